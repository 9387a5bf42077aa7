extension FaceIndex {
    /// The nearest enrolled face, and the nearest one of any other label: what an
    /// open-set decision needs (is the best near enough, and clearly the best?).
    /// One pass in single precision, the two winners recomputed in double precision.
    public func twoNearestLabels(to query: FaceDescriptor) -> (best: Match?, runnerUp: Match?) {
        var best: (position: Int, distance: Float)?
        var runnerUp: (position: Int, distance: Float)?
        query.values.withUnsafeBufferPointer { query in
            for position in labels.indices {
                let distance = squaredDistance(at: position, to: query)
                if best == nil || distance < best!.distance {
                    // The old best moves down only if it belongs to another label.
                    if let previous = best, labels[previous.position] != labels[position] { runnerUp = previous }
                    best = (position, distance)
                } else if labels[position] != labels[best!.position], runnerUp == nil || distance < runnerUp!.distance {
                    runnerUp = (position, distance)
                }
            }
        }
        let match = { (position: Int) in Match(label: labels[position], distance: descriptor(at: position).distance(to: query), position: position) }
        return (best.map { match($0.position) }, runnerUp.map { match($0.position) })
    }
}
