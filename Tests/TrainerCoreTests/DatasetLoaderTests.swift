import Foundation
import Testing
@testable import TrainerCore

private func load(
    _ text: String, target: String, features: [String]? = nil, kind: ModelKind
) throws(DataError) -> Dataset {
    try DatasetLoader.load(
        contents: Array(text.utf8), sourcePath: "mem.csv", target: target, features: features, kind: kind)
}

private func loadError(
    _ text: String, target: String, features: [String]? = nil, kind: ModelKind,
    sourceLocation: SourceLocation = #_sourceLocation
) throws -> DataError {
    try #require(throws: DataError.self, sourceLocation: sourceLocation) {
        _ = try load(text, target: target, features: features, kind: kind)
    }
}

/// The package root, found from this file so the tests work in any clone.
private let packageRoot = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent()  // TrainerCoreTests
    .deletingLastPathComponent()  // Tests
    .deletingLastPathComponent()

private func datasetPath(_ name: String) -> String {
    packageRoot.appendingPathComponent("Datasets").appendingPathComponent(name).path
}

/// A fresh temporary directory, removed by the caller.
private func makeTemporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("trainer-csv-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

@Suite("Dataset loader: values")
struct DatasetLoaderValueTests {
    @Test func linearUsesEveryOtherColumnInFileOrder() throws {
        let data = try load("a,y,b\n1,10,2\n3.5,20,-4\n", target: "y", kind: .linear)
        #expect(data.featureNames == ["a", "b"])
        #expect(data.features.rows == 2)
        #expect(data.features.columns == 2)
        #expect(data.features.values == [1, 2, 3.5, -4])
        #expect(data.targetName == "y")
        #expect(data.targets == [10, 20])
        #expect(data.classes == nil)
        #expect(data.sourcePath == "mem.csv")
    }

    @Test func featureSubsetInListedOrder() throws {
        let data = try load("a,b,c,y\n1,2,3,9\n4,5,6,8\n", target: "y", features: ["c", "a"], kind: .linear)
        #expect(data.featureNames == ["c", "a"])
        #expect(data.features.columns == 2)
        #expect(data.features.values == [3, 1, 6, 4])
        #expect(data.targets == [9, 8])
    }

    @Test func messyButValidFile() throws {
        // BOM, CRLF, blank lines, blanks around numbers, quoted numbers, no final newline.
        let text = "\u{FEFF}x1, x2 ,y\r\n\r\n 1.25 ,\t\"2\" ,3\r\n\n-0.5,1e2, 4 \r\n\r\n7,8,9"
        let data = try load(text, target: "y", kind: .linear)
        #expect(data.featureNames == ["x1", "x2"])
        #expect(data.features.values == [1.25, 2, -0.5, 100, 7, 8])
        #expect(data.targets == [3, 4, 9])
    }

    @Test func logisticAcceptsNumericSpellingsOfZeroAndOne() throws {
        let data = try load("x,y\n1,0\n2,1\n3,0.0\n4, 1.0 \n5,\"1\"\n6,-0\n", target: "y", kind: .logistic)
        #expect(data.targets == [0, 1, 0, 1, 1, 0])
        #expect(data.classes == ["0", "1"])
    }

    @Test func softmaxStringLabelsSortByUnicodeScalars() throws {
        let data = try load("x,label\n1,b\n2,a\n3,Äpfel\n4,Zebra\n5,a\n6,b\n", target: "label", kind: .softmax)
        #expect(data.classes == ["Zebra", "a", "b", "Äpfel"])
        #expect(data.targets == [2, 1, 3, 0, 1, 2])
        #expect(data.features.values == [1, 2, 3, 4, 5, 6])
    }

    @Test func softmaxIntegerLabelsSortNumerically() throws {
        let data = try load("x,k\n1,10\n2,2\n3,-1\n4,02\n5,+10\n6,2\n", target: "k", kind: .softmax)
        #expect(data.classes == ["-1", "2", "10"])
        #expect(data.targets == [2, 1, 0, 1, 2, 1])
    }

    @Test func softmaxMixedLabelsAreStrings() throws {
        let data = try load("x,k\n1,10\n2,2\n3,b\n", target: "k", kind: .softmax)
        #expect(data.classes == ["10", "2", "b"])
        #expect(data.targets == [0, 1, 2])
    }

    @Test func softmaxQuotedLabelsWithNewlinesCommasAndQuotes() throws {
        let text = "x,label\n1,\"two\nlines\"\n2,plain\n3,\"two\nlines\"\n4,\"a, \"\"b\"\"\"\n"
        let data = try load(text, target: "label", kind: .softmax)
        #expect(data.classes == ["a, \"b\"", "plain", "two\nlines"])
        #expect(data.targets == [2, 1, 2, 0])
    }

    @Test func lineNumbersStayRightAfterMultilineLabels() throws {
        let error = try loadError("x,label\n1,\"two\nlines\"\n2,plain\nbad,\"x\"\n", target: "label", kind: .softmax)
        #expect(error.line == 5)
        #expect(error.column == 1)
        #expect(error.reason == "non-numeric value \"bad\", expected a number")
    }

    @Test func readsFromAFileOnDisk() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("small.csv").path
        try Data("a,y\n1,2\n3,4\n".utf8).write(to: URL(fileURLWithPath: path))
        let data = try DatasetLoader.load(path: path, target: "y", features: nil, kind: .linear)
        #expect(data.features.values == [1, 3])
        #expect(data.targets == [2, 4])
        #expect(data.sourcePath == path)
    }
}

@Suite("Dataset loader: errors")
struct DatasetLoaderErrorTests {
    @Test func nonNumericFeatureDescription() throws {
        let error = try loadError("x,y\n1,2\nabc,3\n", target: "y", kind: .linear)
        #expect(error.description == "mem.csv:3:1 (column \"x\"): non-numeric value \"abc\", expected a number")
    }

    @Test func emptyFeatureValue() throws {
        let error = try loadError("a,b,y\n1,2,3\n4,,6\n", target: "y", kind: .linear)
        #expect(error == DataError(file: "mem.csv", line: 3, column: 2, columnName: "b", reason: "empty value"))
    }

    @Test func nonFiniteAndOverflowingFeatures() throws {
        let nan = try loadError("a,y\nNaN,1\n", target: "y", kind: .linear)
        #expect(nan.line == 2 && nan.column == 1)
        #expect(nan.reason.hasPrefix("non-finite value \"NaN\""))
        let huge = try loadError("a,y\n1,1\n2,-1e400\n", target: "y", kind: .linear)
        #expect(huge.line == 3 && huge.column == 2 && huge.columnName == "y")
        #expect(huge.reason.hasPrefix("out of range: \"-1e400\""))
    }

    @Test func nonNumericLinearTarget() throws {
        let error = try loadError("x,y\n1,2\n3,big\n", target: "y", kind: .linear)
        #expect(error == DataError(file: "mem.csv", line: 3, column: 2, columnName: "y",
                                   reason: "non-numeric value \"big\", expected a number"))
    }

    @Test(arguments: ["2", "yes", "0.5", "-1", "nan"])
    func logisticRejectsOtherValues(value: String) throws {
        let error = try loadError("x,y\n1,0\n2,1\n3,\(value)\n", target: "y", kind: .logistic)
        #expect(error == DataError(file: "mem.csv", line: 4, column: 2, columnName: "y",
                                   reason: "logistic regression needs targets 0 or 1, found \"\(value)\""))
    }

    @Test func logisticEmptyTarget() throws {
        let error = try loadError("x,y\n1,0\n2,\n", target: "y", kind: .logistic)
        #expect(error == DataError(file: "mem.csv", line: 3, column: 2, columnName: "y", reason: "empty value"))
    }

    @Test func logisticSingleClass() throws {
        let error = try loadError("x,y\n1,1\n2,1.0\n", target: "y", kind: .logistic)
        #expect(error == DataError(file: "mem.csv", column: 2, columnName: "y",
                                   reason: "logistic regression needs both classes 0 and 1, but every target is 1"))
        let zeros = try loadError("x,y\n1,0\n", target: "y", kind: .logistic)
        #expect(zeros.reason.hasSuffix("every target is 0"))
    }

    @Test func softmaxSingleClass() throws {
        let error = try loadError("x,label\n1,cat\n2, cat\n", target: "label", kind: .softmax)
        #expect(error == DataError(file: "mem.csv", column: 2, columnName: "label",
                                   reason: "softmax regression needs at least 2 classes, found 1 (\"cat\")"))
    }

    @Test func softmaxEmptyLabel() throws {
        let error = try loadError("x,label\n1,cat\n2,\"\"\n", target: "label", kind: .softmax)
        #expect(error == DataError(file: "mem.csv", line: 3, column: 2, columnName: "label", reason: "empty value"))
    }

    @Test func softmaxInvalidUTF8Label() throws {
        let bytes = Array("x,label\n1,cat\n2,d".utf8) + [0xC3, 0x28] + Array("g\n".utf8)
        let error = try #require(throws: DataError.self) {
            _ = try DatasetLoader.load(contents: bytes, sourcePath: "mem.csv", target: "label", features: nil, kind: .softmax)
        }
        #expect(error == DataError(file: "mem.csv", line: 3, column: 2, columnName: "label",
                                   reason: "invalid UTF-8 text in class label"))
    }

    @Test func unknownTargetSuggestsTypoFix() throws {
        let error = try loadError("sepal,species\n1,a\n", target: "specis", kind: .softmax)
        #expect(error.line == 1)
        #expect(error.column == nil)
        #expect(error.reason == "unknown target column \"specis\"; did you mean \"species\"?; available columns: \"sepal\", \"species\"")
    }

    @Test func unknownTargetSuggestsCaseFix() throws {
        let error = try loadError("Age,BMI,Outcome\n1,2,3\n", target: "bmi", kind: .linear)
        #expect(error.reason.hasPrefix("unknown target column \"bmi\"; did you mean \"BMI\"?"))
    }

    @Test func unknownTargetWithoutCloseMatch() throws {
        let error = try loadError("age,bmi\n1,2\n", target: "progression", kind: .linear)
        #expect(error.reason == "unknown target column \"progression\"; available columns: \"age\", \"bmi\"")
    }

    @Test func unknownFeature() throws {
        let error = try loadError("age,bmi,y\n1,2,3\n", target: "y", features: ["age", "bmj"], kind: .linear)
        #expect(error.reason == "unknown feature column \"bmj\"; did you mean \"bmi\"?; available columns: \"age\", \"bmi\", \"y\"")
    }

    @Test func targetAmongFeatures() throws {
        let error = try loadError("a,b,y\n1,2,3\n", target: "y", features: ["a", "y"], kind: .linear)
        #expect(error == DataError(file: "mem.csv", column: 3, columnName: "y",
                                   reason: "target column \"y\" is also listed as a feature"))
    }

    @Test func featureListedTwice() throws {
        let error = try loadError("a,b,y\n1,2,3\n", target: "y", features: ["a", "b", "a"], kind: .linear)
        #expect(error.reason == "feature column \"a\" is listed more than once")
        #expect(error.column == 1)
    }

    @Test func noFeatureColumns() throws {
        let onlyTarget = try loadError("y\n1\n2\n", target: "y", kind: .linear)
        #expect(onlyTarget.reason == "no feature columns: the file has only the target column \"y\"")
        let emptyList = try loadError("a,y\n1,2\n", target: "y", features: [], kind: .linear)
        #expect(emptyList.reason == "no feature columns: the feature list is empty")
    }

    @Test func tabDelimitedFileIsRecognised() throws {
        let error = try loadError("a\tb\ty\n1\t2\t3\n", target: "y", kind: .linear)
        #expect(error.line == 1)
        #expect(error.reason.contains("available columns: \"a\tb\ty\""))
        #expect(error.reason.hasSuffix("the file looks tab-delimited (only commas separate fields)"))
    }

    @Test func semicolonDelimitedFileIsRecognised() throws {
        let error = try loadError("a;b;y\n1;2;3\n", target: "y", kind: .linear)
        #expect(error.reason.hasSuffix("the file looks semicolon-delimited (only commas separate fields)"))
    }

    @Test(arguments: ["a,y\n", "a,y", "\n\na,y\r\n\r\n\n"])
    func headerWithoutData(text: String) throws {
        let error = try loadError(text, target: "y", kind: .linear)
        #expect(error == DataError(file: "mem.csv", reason: "no data rows: the file has a header but no records"))
    }

    @Test func emptyFile() throws {
        let error = try loadError("", target: "y", kind: .linear)
        #expect(error == DataError(file: "mem.csv", reason: "empty file: a header row is required"))
    }

    @Test func raggedRowThroughTheLoader() throws {
        let error = try loadError("a,b,y\n1,2,3\n4,5,6,\n", target: "y", kind: .linear)
        #expect(error == DataError(file: "mem.csv", line: 3, column: 4,
                                   reason: "expected 3 fields, found 4 (trailing delimiter?)"))
    }

    @Test func missingFile() throws {
        let path = "/nonexistent-\(UUID().uuidString)/data.csv"
        let error = try #require(throws: DataError.self) {
            _ = try DatasetLoader.load(path: path, target: "y", features: nil, kind: .linear)
        }
        #expect(error == DataError(file: path, reason: "cannot read file: No such file or directory"))
    }

    @Test func directoryInsteadOfFile() throws {
        let directory = try makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let error = try #require(throws: DataError.self) {
            _ = try DatasetLoader.load(path: directory.path, target: "y", features: nil, kind: .linear)
        }
        #expect(error == DataError(file: directory.path, reason: "cannot read file: Is a directory"))
    }
}

@Suite("Dataset loader: bundled datasets")
struct DatasetLoaderBundledTests {
    @Test func iris() throws {
        let data = try DatasetLoader.load(path: datasetPath("iris.csv"), target: "species", features: nil, kind: .softmax)
        #expect(data.features.rows == 150)
        #expect(data.features.columns == 4)
        #expect(data.featureNames == ["sepal_length", "sepal_width", "petal_length", "petal_width"])
        #expect(data.classes == ["setosa", "versicolor", "virginica"])
        #expect(data.features.row(0) == [5.1, 3.5, 1.4, 0.2])
        for index in 0..<3 {
            #expect(data.targets.filter { $0 == Double(index) }.count == 50)
        }
        #expect(data.targets.first == 0)
        #expect(data.targets.last == 2)
    }

    @Test func breastCancer() throws {
        let data = try DatasetLoader.load(
            path: datasetPath("breast_cancer.csv"), target: "diagnosis", features: nil, kind: .logistic)
        #expect(data.features.rows == 569)
        #expect(data.features.columns == 30)
        #expect(data.featureNames.first == "mean_radius")
        #expect(data.featureNames.last == "worst_fractal_dimension")
        #expect(data.targets.filter { $0 == 1 }.count == 212)
        #expect(data.targets.filter { $0 == 0 }.count == 357)
        #expect(data.features[0, 0] == 17.99)
        #expect(data.classes == ["0", "1"])
    }

    @Test func diabetes() throws {
        let data = try DatasetLoader.load(
            path: datasetPath("diabetes.csv"), target: "progression", features: nil, kind: .linear)
        #expect(data.features.rows == 442)
        #expect(data.features.columns == 10)
        #expect(data.featureNames == ["age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6"])
        #expect(data.features.row(0) == [59, 2, 32.1, 101, 157, 93.2, 38, 4, 4.8598, 87])
        #expect(data.targets.first == 151)
        #expect(data.targets.count == 442)
        #expect(data.classes == nil)
    }

    @Test func diabetesFeatureSubset() throws {
        let data = try DatasetLoader.load(
            path: datasetPath("diabetes.csv"), target: "progression", features: ["bmi", "age"], kind: .linear)
        #expect(data.features.columns == 2)
        #expect(data.features.row(0) == [32.1, 59])
        #expect(data.features.row(1) == [21.6, 48])
    }
}
