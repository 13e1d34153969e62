import Foundation
import Testing
@testable import Experiments

@Suite struct ShardFilesTests {
    @Test func namesPadToFourDigitsOrToTheCountsWidth() {
        #expect(ShardFiles.Name(stem: "runs", index: 7, count: 64).description == "runs-0007-of-0064.csv")
        #expect(ShardFiles.Name(stem: "a-b", index: 12345, count: 20000, ext: ".csv.gz").description == "a-b-12345-of-20000.csv.gz")
        #expect(ShardFiles.Name(stem: "runs", index: 1, count: 1).description == "runs-0001-of-0001.csv")
    }

    @Test func namesReadBackAndOthersAreRefused() {
        for name in [ShardFiles.Name(stem: "runs", index: 7, count: 64), ShardFiles.Name(stem: "x-1-of-2", index: 3, count: 10000, ext: ".csv.gz")] {
            #expect(ShardFiles.Name(parsing: name.description) == name)
        }
        for bad in ["runs-7-of-64.csv", "runs-0000-of-0064.csv", "runs-0065-of-0064.csv", "runs-0007-of-0064.txt",
                    "-0007-of-0064.csv", "runs-0007-0064.csv", "runs-00x7-of-0064.csv", "runs.csv", "runs-٠٠٠٧-of-0064.csv"] {
            #expect(ShardFiles.Name(parsing: bad) == nil, "\(bad)")
        }
    }

    @Test func splitKeepsTheExtension() {
        #expect(ShardFiles.split("out/runs.csv.gz") == ("out/runs", ".csv.gz"))
        #expect(ShardFiles.split("runs.csv") == ("runs", ".csv"))
        #expect(ShardFiles.split("runs") == ("runs", ".csv"))
    }
}
