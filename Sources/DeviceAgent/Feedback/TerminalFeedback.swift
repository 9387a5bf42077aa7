import Foundation
import Synchronization

/// The 20x4 screen and four LEDs drawn in a terminal: a box redrawn in place
/// on a TTY, or one line per change when the output is a log.
public final class TerminalFeedback: FeedbackOutput {
    public let columns: Int
    public let rows: Int
    private let write: @Sendable (String) -> Void
    private let redrawInPlace: Bool
    private let state = Mutex((lines: [String](), lights: Lights.off, drawn: false))

    public init(columns: Int = 20, rows: Int = 4, redrawInPlace: Bool = isatty(STDOUT_FILENO) == 1,
                write: @escaping @Sendable (String) -> Void = { FileHandle.standardOutput.write(Data($0.utf8)) }) {
        self.columns = columns
        self.rows = rows
        self.redrawInPlace = redrawInPlace
        self.write = write
    }

    public func show(_ lines: [String]) async {
        let changed = state.withLock { state in
            guard state.lines != lines else { return false }
            state.lines = lines
            return true
        }
        if changed { draw() }
    }

    public func setLights(_ lights: Lights) async {
        let changed = state.withLock { state in
            guard state.lights != lights else { return false }
            state.lights = lights
            return true
        }
        if changed { draw() }
    }

    public func shutdown() async {
        state.withLock { $0.lines = Array(repeating: "", count: rows); $0.lights = .off }
        draw()
    }

    private func draw() {
        let (lines, lights, redraw) = state.withLock { state in
            let redraw = state.drawn && redrawInPlace
            state.drawn = true
            return (state.lines, state.lights, redraw)
        }
        let padded = (0..<rows).map { i in
            let line = i < lines.count ? lines[i] : ""
            return line + String(repeating: " ", count: max(0, columns - line.count))
        }
        if redrawInPlace {
            let border = String(repeating: "─", count: columns)
            var text = redraw ? "\u{1B}[\(rows + 3)A" : ""
            text += "┌\(border)┐\n" + padded.map { "│\($0)│\n" }.joined() + "└\(border)┘\n"
            text += "\u{1B}[2K" + lights.description + "\n"
            write(text)
        } else {
            write("LCD |" + padded.joined(separator: "|") + "|  LEDs " + lights.description + "\n")
        }
    }
}
