import FaceEngine
import Foundation

/// `faces evaluate`'s output: the table of outcomes, the distance histogram
/// (text and SVG) and the projections to other roster sizes.
struct EvaluationReport {
    let evaluation: OpenSetEvaluation
    let tolerances: [Double]
    let margins: [Double]
    let rosters: [Int]

    static let binWidth = 0.05, bins = 24

    func text(source: String, skipped: [String]) -> String {
        var lines: [String] = []
        let e = evaluation
        let strangers = Set(e.probes.map(\.person)).subtracting(e.enrolledPeople)
        lines.append("photos: \(source)")
        lines.append("enrolled: \(e.enrolledPeople.count) people, \(e.gallery.count) photos; probes: "
                     + "\(e.probes.count { e.enrolledPeople.contains($0.person) }) of enrolled people, "
                     + "\(e.probes.count { !e.enrolledPeople.contains($0.person) }) of \(strangers.count) strangers")
        for problem in skipped { lines.append("skipped \(problem)") }
        lines.append("")
        lines.append("distance from each probe to each enrolled person's nearest photo:")
        lines.append("  same person:      \(Self.summary(e.genuineDistances))")
        lines.append("  different people: \(Self.summary(e.impostorDistances))")
        lines.append("")
        let columns = [9, 6, 14, 22, 14, 16]
        lines.append(Self.row(["tolerance", "margin", "genuine named", "named as someone else", "unsure", "strangers named"], columns))
        for tolerance in tolerances {
            for margin in margins {
                let o = e.outcome(IdentificationRule(tolerance: tolerance, margin: margin))
                lines.append(Self.row([String(format: "%.2f", tolerance), String(format: "%.2f", margin),
                                       Self.fraction(o.genuineAccepted, o.enrolledProbes), Self.fraction(o.wronglyIdentified, o.enrolledProbes),
                                       Self.fraction(o.genuineUnsure, o.enrolledProbes), Self.fraction(o.strangersAccepted, o.strangerProbes)], columns))
            }
        }
        lines.append("")
        lines += histogramLines()
        lines.append("")
        lines.append("expected with a roster of N people (each distance an independent draw from the ones above;")
        lines.append("look-alikes cluster in real schools, so take these as a lower bound on trouble):")
        lines.append("each cell: strangers named / students named as someone else / students named as themselves")
        let projected = [9, 6, 12] + rosters.map { _ in 24 }
        lines.append(Self.row(["tolerance", "margin", "pairs within"] + rosters.map { "N = \($0)" }, projected))
        for tolerance in tolerances {
            for margin in margins {
                let rule = IdentificationRule(tolerance: tolerance, margin: margin)
                let cells = rosters.map { size -> String in
                    let p = e.projection(size: size, rule: rule)
                    return "\(Self.percent(p.strangerAccepted)) / \(Self.percent(p.mixUp)) / \(Self.percent(p.genuineAccepted))"
                }
                lines.append(Self.row([String(format: "%.2f", tolerance), String(format: "%.2f", margin),
                                       Self.percent(e.falseMatchRate(within: tolerance))] + cells, projected))
            }
        }
        return lines.joined(separator: "\n")
    }

    func histogramLines() -> [String] {
        let same = OpenSetEvaluation.histogram(evaluation.genuineDistances, width: Self.binWidth, bins: Self.bins)
        let different = OpenSetEvaluation.histogram(evaluation.impostorDistances, width: Self.binWidth, bins: Self.bins)
        // Each side scaled to its own largest bin: there are far more different-people pairs.
        let sameScale = max(1, same.max() ?? 1), differentScale = max(1, different.max() ?? 1)
        var lines = ["distance     same person (S)                    different people (D)"]
        let first = (0..<Self.bins).first { same[$0] + different[$0] > 0 } ?? 0
        let last = (0..<Self.bins).last { same[$0] + different[$0] > 0 } ?? 0
        for bin in first...last {
            let low = Double(bin) * Self.binWidth
            let label = bin == Self.bins - 1 ? String(format: "%.2f+     ", low) : String(format: "%.2f-%.2f", low, low + Self.binWidth)
            let s = String(repeating: "S", count: (same[bin] * 25 + sameScale - 1) / sameScale)
            let d = String(repeating: "D", count: (different[bin] * 25 + differentScale - 1) / differentScale)
            lines.append("\(label)  \(s.padding(toLength: 25, withPad: " ", startingAt: 0)) \(String(format: "%5d", same[bin]))   "
                         + "\(d.padding(toLength: 25, withPad: " ", startingAt: 0)) \(String(format: "%6d", different[bin]))")
        }
        return lines
    }

    /// The histogram as bars, same person above the axis and different people below, with the tolerances marked.
    func svg() -> String {
        let same = OpenSetEvaluation.histogram(evaluation.genuineDistances, width: Self.binWidth, bins: Self.bins)
        let different = OpenSetEvaluation.histogram(evaluation.impostorDistances, width: Self.binWidth, bins: Self.bins)
        let width = 720.0, height = 400.0, left = 50.0, axis = 200.0, barWidth = (width - left - 20) / Double(Self.bins)
        let sameScale = Double(max(1, same.max() ?? 1)), differentScale = Double(max(1, different.max() ?? 1))
        var parts = ["<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" font-family=\"sans-serif\" font-size=\"11\">",
                     "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>",
                     "<text x=\"\(left)\" y=\"16\">Distance from a probe to an enrolled person: same person (green, up), different people (red, down)</text>"]
        for bin in 0..<Self.bins {
            let x = left + Double(bin) * barWidth
            let up = Double(same[bin]) / sameScale * 160, down = Double(different[bin]) / differentScale * 160
            parts.append(String(format: "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#2a9d4b\"><title>%d</title></rect>",
                                x, axis - up, barWidth - 1, up, same[bin]))
            parts.append(String(format: "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#c8402f\"><title>%d</title></rect>",
                                x, axis, barWidth - 1, down, different[bin]))
            if bin % 2 == 0 { parts.append(String(format: "<text x=\"%.1f\" y=\"%.1f\">%.1f</text>", x, axis + 180, Double(bin) * Self.binWidth)) }
        }
        for tolerance in tolerances {
            let x = left + tolerance / Self.binWidth * barWidth
            parts.append(String(format: "<line x1=\"%.1f\" y1=\"30\" x2=\"%.1f\" y2=\"370\" stroke=\"#333\" stroke-dasharray=\"3 3\"/>", x, x))
            parts.append(String(format: "<text x=\"%.1f\" y=\"395\" text-anchor=\"middle\">%.2f</text>", x, tolerance))
        }
        parts.append("<line x1=\"\(left)\" y1=\"\(axis)\" x2=\"\(width - 20)\" y2=\"\(axis)\" stroke=\"black\"/>")
        parts.append("</svg>")
        return parts.joined(separator: "\n")
    }

    static func summary(_ values: [Double]) -> String {
        guard !values.isEmpty else { return "none" }
        let at = { (q: Double) in values[min(values.count - 1, Int(q * Double(values.count)))] }
        return String(format: "%d pairs, min %.3f, median %.3f, max %.3f", values.count, values[0], at(0.5), values[values.count - 1])
    }

    static func fraction(_ count: Int, _ total: Int) -> String {
        total == 0 ? "-" : String(format: "%d/%d %.0f%%", count, total, 100 * Double(count) / Double(total))
    }

    /// Cells right-aligned in columns of the given widths, two spaces apart.
    static func row(_ cells: [String], _ widths: [Int]) -> String {
        zip(cells, widths).map { cell, width in String(repeating: " ", count: max(0, width - cell.count)) + cell }.joined(separator: "  ")
    }

    static func percent(_ value: Double) -> String {
        value == 0 ? "0" : value < 1e-5 ? "<0.001%" : value < 0.001 ? String(format: "%.2g%%", value * 100) : String(format: "%.1f%%", value * 100)
    }
}
