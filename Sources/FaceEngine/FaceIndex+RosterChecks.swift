extension FaceIndex {
    /// Two people whose photos are close: a face of either may be taken for the other.
    public struct LookAlike: Sendable, Equatable {
        public let first: Label
        public let second: Label
        /// The distance between their closest photos.
        public let distance: Double
    }

    /// A person's photo far from all their other photos: perhaps someone else, or a poor photo.
    public struct OutlyingPhoto: Sendable, Equatable {
        public let person: Label
        /// Where the photo is in the index (insertion order).
        public let position: Int
        /// The distance to the nearest other photo of the same person.
        public let distance: Double
    }

    /// Every pair of different people with photos within `distance` of each other, closest first.
    public func lookAlikes(within distance: Double) -> [LookAlike] {
        var closest: [Set<Label>: (first: Label, second: Label, distance: Double)] = [:]
        let limit = Float(distance * distance) * 1.0001
        for a in labels.indices {
            let query = descriptor(at: a)
            query.values.withUnsafeBufferPointer { query in
                for b in (a + 1)..<labels.count where labels[a] != labels[b] && squaredDistance(at: b, to: query) <= limit {
                    let exact = self.descriptor(at: b).distance(to: self.descriptor(at: a))
                    guard exact <= distance else { continue }
                    let pair: Set = [labels[a], labels[b]]
                    if exact < closest[pair]?.distance ?? .infinity { closest[pair] = (labels[a], labels[b], exact) }
                }
            }
        }
        return closest.values.map { LookAlike(first: $0.first, second: $0.second, distance: $0.distance) }
            .sorted { $0.distance < $1.distance }
    }

    /// Photos of people with several photos that are farther than `distance` from every other photo of theirs.
    public func outlyingPhotos(beyond distance: Double) -> [OutlyingPhoto] {
        var positions: [Label: [Int]] = [:]
        for (position, label) in labels.enumerated() { positions[label, default: []].append(position) }
        var outliers: [OutlyingPhoto] = []
        for (label, theirs) in positions where theirs.count > 1 {
            for position in theirs {
                let nearest = theirs.filter { $0 != position }.map { descriptor(at: $0).distance(to: descriptor(at: position)) }.min()!
                if nearest > distance { outliers.append(OutlyingPhoto(person: label, position: position, distance: nearest)) }
            }
        }
        return outliers.sorted { $0.distance > $1.distance }
    }
}
