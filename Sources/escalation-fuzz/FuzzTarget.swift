import EscalationModel
import Foundation
import ScenarioIO

/// The fuzz target: any bytes as a scenario file. Loading must end in a scenario or in
/// diagnostics (never a crash, a hang or unbounded memory), and a scenario that loads must run.
/// Built with `-sanitize=fuzzer -DFUZZING` (`make fuzz`) it runs libFuzzer; built plainly it is
/// a program that replays saved inputs (`make test` replays `Tests/fuzz-corpus/`).
enum FuzzOne {
    /// The most events a fuzzed run takes: many times what the fuzzer's scenarios reach before
    /// their horizon, and few enough that a valid one full of long expressions ends in well
    /// under libFuzzer's 10 s.
    static let fuzzEvents = 10_000

    static func check(_ data: Data) {
        guard let scenario = try? ScenarioLoader.load(data: data, file: "fuzz.yaml") else { return }
        // A scenario that loads must play without trapping. Its run is cut at `fuzzEvents`: a
        // valid scenario may ask for a million events each evaluating long expressions (minutes
        // under the fuzzer's instrumentation), which is slow by request, not a hang.
        _ = Simulator(scenario: scenario.with(maxEvents: min(scenario.maxEvents, fuzzEvents))).run(seed: 1)
    }
}

#if FUZZING
/// libFuzzer's driver (LLVM 11 and later), called from our own entry point: SwiftPM names the
/// executable's main for us, so libFuzzer's `main` is not the one linked.
@_silgen_name("LLVMFuzzerRunDriver")
func runFuzzerDriver(_ argc: UnsafeMutablePointer<Int32>,
                     _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>>,
                     _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32) -> Int32

/// libFuzzer's callback by name (its own `main`, if the linker takes that one, calls this).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTestOneInput(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
    FuzzOne.check(bytes.map { Data(bytes: $0, count: count) } ?? Data())
    return 0
}

@main
struct Fuzz {
    static func main() {
        var argc = CommandLine.argc
        var argv = CommandLine.unsafeArgv
        exit(runFuzzerDriver(&argc, &argv, fuzzTestOneInput))
    }
}
#else
@main
struct Replay {
    /// `escalation-fuzz FILE_OR_FOLDER...`: replays each input; prints how many.
    static func main() {
        var count = 0
        for argument in CommandLine.arguments.dropFirst() {
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: argument, isDirectory: &isDirectory) else {
                FileHandle.standardError.write(Data("no such input: \(argument)\n".utf8))
                exit(66)
            }
            let files = isDirectory.boolValue
                ? ((try? FileManager.default.contentsOfDirectory(atPath: argument)) ?? []).sorted().map { argument + "/" + $0 }
                : [argument]
            for file in files {
                guard let data = FileManager.default.contents(atPath: file) else { continue }
                FuzzOne.check(data)
                count += 1
            }
        }
        print("replayed \(count) inputs: no crash")
    }
}
#endif
