import ArgumentParser
import FaceEngine

struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "bench", abstract: "Measure the face engine.")
    mutating func run() async throws {}
}
