import Testing
@testable import TrainerCore

/// The parallel numeric CSV path must return exactly what the general loader returns, or
/// decline (nil) so that the general loader runs and reports its own errors.
struct DatasetCacheFastCSVTests {
    static func generalLoad(_ text: String, target: String = "y", features: [String]? = nil, kind: ModelKind = .linear) throws -> Dataset {
        try DatasetLoader.load(contents: Array(text.utf8), sourcePath: "t.csv", target: target, features: features, kind: kind)
    }

    static func fastLoad(_ text: String, target: String = "y", features: [String]? = nil, kind: ModelKind = .linear) -> Dataset? {
        fastLoad(bytes: Array(text.utf8), target: target, features: features, kind: kind)
    }

    static func fastLoad(bytes: [UInt8], target: String = "y", features: [String]? = nil, kind: ModelKind = .linear) -> Dataset? {
        bytes.withUnsafeBufferPointer {
            FastNumericCSV.table(bytes: $0, target: target, features: features, kind: kind)?
                .loaded(target: target, sourcePath: "t.csv", policy: .error)?.dataset
        }
    }

    static func expectSame(_ a: Dataset, _ b: Dataset) {
        #expect(a.features.rows == b.features.rows && a.features.columns == b.features.columns)
        #expect(a.features.values.map(\.bitPattern) == b.features.values.map(\.bitPattern))
        #expect(a.targets.map(\.bitPattern) == b.targets.map(\.bitPattern))
        #expect(a.featureNames == b.featureNames && a.targetName == b.targetName && a.classes == b.classes)
    }

    /// A file with enough rows to be split between workers, mixed spellings and magnitudes.
    static func bigText(rows: Int = 5_003, finalNewline: Bool = true, logistic: Bool = false) -> String {
        var rng = SeededGenerator(seed: 77)
        var lines = ["a,b,y,c"]
        for i in 0..<rows {
            let v = Double(bitPattern: rng.next() & 0x3FFF_FFFF_FFFF_FFFF | 0x3000_0000_0000_0000)
            let w = rng.nextGaussian()
            let y = logistic ? "\(i % 3 == 0 ? 1 : 0)" : "\(rng.nextGaussian() * 1e-200)"
            lines.append("\(v),\(DecimalParserTests.seventeenDigits(w)),\(y),\(i % 7 == 0 ? "-0" : "12e-3")")
        }
        return lines.joined(separator: "\n") + (finalNewline ? "\n" : "")
    }

    @Test(arguments: [true, false])
    func matchesTheGeneralLoaderBitForBit(finalNewline: Bool) throws {
        let text = Self.bigText(finalNewline: finalNewline)
        let fast = try #require(Self.fastLoad(text))
        Self.expectSame(fast, try Self.generalLoad(text))
        let subset = try #require(Self.fastLoad(text, features: ["c", "a"]))
        Self.expectSame(subset, try Self.generalLoad(text, features: ["c", "a"]))
    }

    @Test func logisticTargetsMatch() throws {
        let text = Self.bigText(logistic: true)
        let fast = try #require(Self.fastLoad(text, kind: .logistic))
        Self.expectSame(fast, try Self.generalLoad(text, kind: .logistic))
        // -0 is stored as 0 by the general loader: same here.
        let signed = "x,y\n1,-0\n2,1\n"
        Self.expectSame(try #require(Self.fastLoad(signed, kind: .logistic)), try Self.generalLoad(signed, kind: .logistic))
    }

    /// What Excel's "CSV UTF-8" export writes: a byte order mark and CRLF line endings.
    @Test(arguments: [false, true])
    func byteOrderMarkAndCRLFMatchTheGeneralLoader(finalNewline: Bool) throws {
        let lf = Self.bigText(finalNewline: finalNewline)
        let crlf = "\u{FEFF}" + lf.replacingOccurrences(of: "\n", with: "\r\n")
        let fast = try #require(Self.fastLoad(crlf))
        Self.expectSame(fast, try Self.generalLoad(crlf))
        Self.expectSame(fast, try #require(Self.fastLoad(lf)))
        #expect(fast.featureNames == ["a", "b", "c"])
        // The last column skipped, then as the target; line endings mixed.
        let mixed = "\u{FEFF}a,y,b\r\n1, 2.5 ,x\r\n3,4,yz\n5,6 \t,w\r\n"
        Self.expectSame(try #require(Self.fastLoad(mixed, features: ["a"])), try Self.generalLoad(mixed, features: ["a"]))
        let labels = "\u{FEFF}a,b,y\r\n1,2,cat\r\n3,4,dog\n5,6,cat\r\n7,8,b ird\r\n"
        let softmax = try #require(Self.fastLoad(labels, kind: .softmax))
        Self.expectSame(softmax, try Self.generalLoad(labels, kind: .softmax))
        #expect(softmax.classes == ["b ird", "cat", "dog"])
        // Only the first byte order mark is skipped; a second one is part of the first name.
        let twice = "\u{FEFF}\u{FEFF}x,y\r\n1,2\r\n"
        let named = try #require(Self.fastLoad(twice, target: "y"))
        Self.expectSame(named, try Self.generalLoad(twice))
        #expect(named.featureNames == ["\u{FEFF}x"])
    }

    /// R's `write.csv(..., row.names = FALSE)`: quoted names, plain numbers.
    @Test func quotedHeaderNamesMatchTheGeneralLoader() throws {
        let text = "\"a\",\"y\",b\n1,2,3\n4,5,6\n"
        let fast = try #require(Self.fastLoad(text))
        Self.expectSame(fast, try Self.generalLoad(text))
        #expect(fast.featureNames == ["a", "b"])
        // Doubled quotes, blanks, a comma or nothing inside the quotes: the general loader.
        for name in ["\"a\"\"b\"", "\" a\"", "\"a,b\"", "\"\"", "\"a"] {
            #expect(Self.fastLoad("\(name),y\n1,2\n") == nil, "\(name)")
        }
    }

    /// Quoted fields without quotes or line breaks inside: numbers (Python's `QUOTE_ALL`,
    /// `QUOTE_NONNUMERIC`), labels (R quotes factor levels) and skipped text holding commas.
    @Test func simpleQuotedFieldsMatchTheGeneralLoader() throws {
        let numbers = "\"a\",\"b\",\"y\"\r\n\"1.5\",\" -2e-3 \",\"7\"\r\n\"0\",1,\"3\"\r\n"
        let fast = try #require(Self.fastLoad(numbers))
        Self.expectSame(fast, try Self.generalLoad(numbers))
        #expect(fast.features.values == [1.5, -2e-3, 0, 1])
        let labels = "x,name,y\n1,\"Braund, Mr. Owen\",\"setosa\"\n2,plain,versicolor\n3,\"\",\"setosa\"\n"
        let softmax = try #require(Self.fastLoad(labels, features: ["x"], kind: .softmax))
        Self.expectSame(softmax, try Self.generalLoad(labels, features: ["x"], kind: .softmax))
        #expect(softmax.classes == ["setosa", "versicolor"] && softmax.targets == [0, 1, 0])
        let logistic = "x,y\n1,\"1\"\n2,\"0.0\"\n"
        Self.expectSame(try #require(Self.fastLoad(logistic, kind: .logistic)), try Self.generalLoad(logistic, kind: .logistic))
        // A big file with a quoted text column on every row, split between the workers.
        let big = Self.bigText().split(separator: "\n").enumerated().map { i, line in
            i == 0 ? "name," + line : "\"row \(i), \(i % 3 == 0 ? "even" : "odd")\"," + line
        }.joined(separator: "\n") + "\n"
        let quoted = try #require(Self.fastLoad(big, features: ["a", "b", "c"]))
        Self.expectSame(quoted, try Self.generalLoad(big, features: ["a", "b", "c"]))
        Self.expectSame(quoted, try #require(Self.fastLoad(Self.bigText(), features: ["a", "b", "c"])))
    }

    /// Doubled quotes (escaped quotes) in a column nobody reads, as spreadsheets and Python's
    /// `csv` write text holding quotes, take the fast path; in a number or a label they still
    /// go to the general loader, which reports or unescapes them.
    @Test func doubledQuotesInSkippedColumnsMatchTheGeneralLoader() throws {
        let text = "x,note,y\n1,\"12\"\" pipe, \"\"steel\"\"\",2\n3,\"\"\"\"\"\",4\n5,\"\",6\n7,\"a\"\"\",8\r\n"
        let fast = try #require(Self.fastLoad(text, features: ["x"]))
        Self.expectSame(fast, try Self.generalLoad(text, features: ["x"]))
        #expect(fast.features.values == [1, 3, 5, 7] && fast.targets == [2, 4, 6, 8])
        // Many rows, split between the workers.
        let big = Self.bigText().split(separator: "\n").enumerated().map { i, line in
            i == 0 ? "note," + line : "\"\"\"quoted\"\" \(i), \"\"and\"\" more\"," + line
        }.joined(separator: "\n") + "\n"
        let quoted = try #require(Self.fastLoad(big, features: ["a", "b", "c"]))
        Self.expectSame(quoted, try Self.generalLoad(big, features: ["a", "b", "c"]))
        // Read columns, an unterminated field, a line break inside: the general loader.
        for declined in [
            "x,y\n\"1\"\"\",2\n", "x,note,y\n1,\"a\"\",2\n", "x,note,y\n1,\"a\"\"\n\",2\n", "x,note,y\n1,\"a\"\"b\"c,2\n",
        ] {
            #expect(Self.fastLoad(declined, features: ["x"]) == nil, "\(declined.debugDescription)")
        }
        #expect(Self.fastLoad("x,y\n1,\"a\"\"b\"\n", kind: .softmax) == nil)
    }

    /// Empty lines between records (LF or CRLF, one or several, right after the header) are
    /// skipped as the general reader skips them, and counted neither as missing nor as dropped;
    /// softmax files with one go to the general loader (labels are encoded by chunk row ranges).
    @Test(arguments: [MissingValuePolicy.error, .imputeMean, .dropRow])
    func emptyLinesBetweenRecordsMatchTheGeneralLoader(policy: MissingValuePolicy) throws {
        let texts = [
            "x,y\n1,2\n\n3,4\n", "x,y\r\n1,2\r\n\r\n\r\n3,4\r\n", "x,y\n\n1,2\n3,4\n",
            "x,y\n1,2\n\n,5\n3,4\n",
        ]
        for text in texts {
            let loaded = FastCSVMissingValueTests.fast(text, policy)
            guard policy != .error || !text.contains(",5") else {
                #expect(loaded == nil, "an empty field under the default policy")
                continue
            }
            let fast = try #require(loaded, "\(text.debugDescription)")
            FastCSVMissingValueTests.expectSame(fast, try FastCSVMissingValueTests.general(text, policy))
        }
        let softmax = "x,y\n1,a\n\n3,b\n\n\n5,a\n"
        Self.expectSame(try #require(Self.fastLoad(softmax, kind: .softmax)), try Self.generalLoad(softmax, kind: .softmax))
        // Many rows, empty lines in every chunk.
        let big = Self.bigText().split(separator: "\n", omittingEmptySubsequences: false).enumerated()
            .map { $0.offset % 97 == 5 ? "\n" + $0.element : String($0.element) }.joined(separator: "\n")
        let fast = try #require(Self.fastLoad(big))
        Self.expectSame(fast, try Self.generalLoad(big))
    }

    /// Empty lines at the end of a file (an extra newline, often) are skipped, as the general
    /// loader skips them, and a lone CR ending the last line is a line ending there too;
    /// elsewhere both still decline (see `irregularFilesAreLeftToTheGeneralLoader`).
    @Test(arguments: ["x,y\n1,2\n3,4\n\n", "x,y\n1,2\n3,4\n\n\n\n", "x,y\r\n1,2\r\n3,4\r\n\r\n", "x,y\n1,2\n3,4\r\r\n\r", "x,y\n1,2\n3,4\r"])
    func emptyLinesAtTheEndMatchTheGeneralLoader(text: String) throws {
        let fast = try #require(Self.fastLoad(text))
        Self.expectSame(fast, try Self.generalLoad(text))
        #expect(fast.targets == [2, 4])
    }

    @Test func blanksAroundNumbersAreTrimmedLikeTheGeneralLoader() throws {
        let text = "x,y\n 1.5 ,\t2\n3,4\n"
        Self.expectSame(try #require(Self.fastLoad(text)), try Self.generalLoad(text))
    }

    @Test(arguments: [
        "x,y\n\"1\"\"\",2\n",       // a doubled quote inside a quoted field
        "x,y\n\"1\n\",2\n",         // a line break inside a quoted field
        "x,y\n\"1\"5,2\n",          // text after the closing quote
        "x,y\n1\"5,2\n",            // a quote inside an unquoted field
        "x,y\n1,\"2",               // no closing quote
        "x,y\n\"\",2\n",            // an empty quoted value
        "x,y\n1,2\r3,4\n",         // a lone carriage return (a line break to the general loader)
        "x,y\n1\r,2\n",            // … ending a field that is not the last
        "x,y\r1,2\r\n",            // … in the header line
        "x,y\n1,2\n \n3,4\n",       // a line of blanks is a record (of the wrong width), not empty
        "x,y\n1,\n",                // empty value
        "x,y\n1,",                  // … at the very end of the file
        "x,y\n1,2\n3,",             // … after a complete record
        "x,y\n1,2,3\n",             // too many fields
        "x,y\n1\n",                 // too few fields
        "x,y\n1,abc\n",             // non-numeric
        "x,y\n1,nan\n",             // non-finite
        "x,y\n1,1e999\n",           // overflow
        "x,x,y\n1,2,3\n",           // duplicate column
        "x,y\n",                    // no rows
        "x,y\n\n\n",                // no rows, empty lines
        "",                         // empty file
        "x,y",                      // header only, no newline
    ])
    func irregularFilesAreLeftToTheGeneralLoader(text: String) {
        #expect(Self.fastLoad(text) == nil)
    }

    /// Class labels as the general loader encodes them: integers in numeric order ("2" before
    /// "10") with canonical names ("+1", "01" and "1" are one class "1"; "-0" is "0"), anything
    /// else in UTF-8 byte order as written ("10" before "2" once one label is text).
    @Test(arguments: [
        "x,y\n1,10\n2,2\n3,+1\n4,01\n5,-0\n6,-7\n7,2\n8,1\n",
        "x,y\n1,0\n2,1\n3,2\n4,1",
        "x,y\n1,5\n2,-900000000000000\n3,123456789012345\n4,5\n",
        "x,y\n1,1234567890123456789\n2,3\n",                        // 19 digits, still an Int
        "x,y\n1,99999999999999999999\n2,3\n",                       // beyond Int: text
        "x,y\n1,setosa\n2,versicolor\n3,setosa\n4,Virginica\n",
        "x,y\n1,10\n2,2\n3,b\n4,2.0\n5,é\n6,e\n",                  // mixed: all text order
        "x,y\n1,a b\n2,a\n3,a\tb\n",                                // inner blanks are kept
        "x,y\n1, 3\n2,4\n3,3\t\n",                                  // blanks around labels are trimmed
        "x,y\n1,\" a\"\n2,b \n3,\"a \t\"\n4,\tb\n",                  // … inside quotes too
    ])
    func softmaxLabelsMatchTheGeneralLoader(text: String) throws {
        let fast = try #require(Self.fastLoad(text, kind: .softmax))
        Self.expectSame(fast, try Self.generalLoad(text, kind: .softmax))
    }

    /// Enough rows for every chunk to see labels, the same labels spelled differently in
    /// different chunks, and more distinct labels than a table starts with (it grows).
    @Test(arguments: [false, true])
    func manySoftmaxRowsMatchTheGeneralLoader(text labelsAreText: Bool) throws {
        var rng = SeededGenerator(seed: 5)
        var lines = ["a,label,b"]
        for i in 0..<20_000 {
            let k = rng.nextBounded(40)
            let label = labelsAreText ? "class \(k)" : (i % 3 == 0 ? "0\(k)" : "\(k)")
            lines.append("\(rng.nextGaussian()),\(label),\(rng.nextGaussian())")
        }
        let text = lines.joined(separator: "\n") + "\n"
        let fast = try #require(Self.fastLoad(text, target: "label", kind: .softmax))
        Self.expectSame(fast, try Self.generalLoad(text, target: "label", kind: .softmax))
        #expect(fast.classes?.count == 40)
        if !labelsAreText { #expect(fast.classes == (0..<40).map { String($0) }) }
    }

    @Test func unsupportedSelectionsAreLeftToTheGeneralLoader() {
        let text = "x,y,z\n1,0,a\n2,1,b\n"
        #expect(Self.fastLoad("x,y\n1,3\n2,3\n", kind: .softmax) == nil)                // one class
        #expect(Self.fastLoad("x,y\n1,03\n2,3\n", kind: .softmax) == nil)               // one class, two spellings
        #expect(Self.fastLoad("x,y\n1,\n2,4\n", kind: .softmax) == nil)                 // empty label
        #expect(Self.fastLoad("x,y\n1, \t\n2,4\n", kind: .softmax) == nil)              // only blanks
        #expect(Self.fastLoad("x,y\n1,\" \"\n2,4\n", kind: .softmax) == nil)
        let invalidUTF8 = Array("x,y\n1,a".utf8) + [0xFF] + Array("\n2,b\n".utf8)         // a label that is not UTF-8
        #expect(Self.fastLoad(bytes: invalidUTF8, kind: .softmax) == nil)
        #expect(Self.fastLoad(text, target: "nope") == nil)
        #expect(Self.fastLoad(text, features: ["y"]) == nil)        // target as feature
        #expect(Self.fastLoad(text, features: ["x", "x"]) == nil)   // listed twice
        #expect(Self.fastLoad(text, features: ["z"]) == nil)        // text feature
        #expect(Self.fastLoad("x,y\n1,2\n3,2\n", kind: .logistic) == nil)  // not 0/1
        #expect(Self.fastLoad("x,y\n1,1\n3,1\n", kind: .logistic) == nil)  // one class
        // A skipped text column is fine.
        #expect(Self.fastLoad(text, features: ["x"]) != nil)
    }
}

/// Empty fields under `data.missing` on the fast path: the same dataset (NaN where a feature is
/// imputed, rows left out) and the same counts as the general loader, or a decline where the
/// general loader reports an error or the fast path cannot be exact.
struct FastCSVMissingValueTests {
    static func fast(
        _ text: String, _ policy: MissingValuePolicy, features: [String]? = nil, kind: ModelKind = .linear
    ) -> LoadedDataset? {
        Array(text.utf8).withUnsafeBufferPointer {
            FastNumericCSV.table(bytes: $0, target: "y", features: features, kind: kind, missing: policy)?
                .loaded(target: "y", sourcePath: "t.csv", policy: policy)
        }
    }

    static func general(
        _ text: String, _ policy: MissingValuePolicy, features: [String]? = nil, kind: ModelKind = .linear
    ) throws -> LoadedDataset {
        try DatasetLoader.load(contents: Array(text.utf8), sourcePath: "t.csv", target: "y", features: features, kind: kind, missing: policy)
    }

    static func expectSame(_ a: LoadedDataset, _ b: LoadedDataset) {
        DatasetCacheFastCSVTests.expectSame(a.dataset, b.dataset)
        #expect(a.missing == b.missing)
    }

    @Test(arguments: [MissingValuePolicy.imputeMean, .dropRow])
    func emptyFeaturesMatchTheGeneralLoader(policy: MissingValuePolicy) throws {
        // Empty, blank and quoted-empty fields; a skipped column's empty field is not counted.
        let text = "a,b,skip,y\n1,,x,3\n 4 ,\t,,6\n\"\",8,,9\n10,11,z,12\n"
        let fast = try #require(Self.fast(text, policy, features: ["a", "b"]))
        Self.expectSame(fast, try Self.general(text, policy, features: ["a", "b"]))
        #expect(fast.missing.missingValues == 3)
        #expect(fast.missing.droppedRows == (policy == .dropRow ? 3 : 0))
    }

    @Test func emptyTargetsAreDroppedOrDeclined() throws {
        let text = "a,y\n1,\n2,5\n3, \n4,7\n"
        let dropped = try #require(Self.fast(text, .dropRow))
        Self.expectSame(dropped, try Self.general(text, .dropRow))
        #expect(dropped.dataset.targets == [5, 7])
        // impute_mean fills features only: the general loader reports the empty target.
        #expect(Self.fast(text, .imputeMean) == nil)
        #expect(throws: DataError.self) { try Self.general(text, .imputeMean) }
        // Logistic: the dropped rows' targets are never checked, as the general loader skips them.
        let logistic = "a,b,y\n1,,7\n2,3,1\n4,5,0\n"
        Self.expectSame(try #require(Self.fast(logistic, .dropRow, kind: .logistic)), try Self.general(logistic, .dropRow, kind: .logistic))
    }

    @Test func softmaxImputesAndDropsRowsLikeTheGeneralLoader() throws {
        let text = "a,y\n1,cat\n,dog\n3,cat\n"
        let imputed = try #require(Self.fast(text, .imputeMean, kind: .softmax))
        Self.expectSame(imputed, try Self.general(text, .imputeMean, kind: .softmax))
        // The classes come from the rows kept: "bird" only in a dropped row, "fish" only in a
        // row whose label is missing, an invalid UTF-8 label only in a dropped row.
        for dropping in [
            "a,y\n1,cat\n,bird\n3,dog\n", "a,y\n1,cat\n2,\n,fish\n3,dog\n\n4, cat\n", "a,b,y\n1,2,cat\n,5,cat\n3,4,dog\n",
        ] {
            let fast = try #require(Self.fast(dropping, .dropRow, kind: .softmax), "\(dropping.debugDescription)")
            let general = try Self.general(dropping, .dropRow, kind: .softmax)
            Self.expectSame(fast, general)
            #expect(fast.dataset.classes == ["cat", "dog"])
        }
        let invalid = Array("a,y\n1,cat\n,".utf8) + [0xFF] + Array("\n3,dog\n".utf8)
        let fast = try #require(invalid.withUnsafeBufferPointer {
            FastNumericCSV.table(bytes: $0, target: "y", features: nil, kind: .softmax, missing: .dropRow)?
                .loaded(target: "y", sourcePath: "t.csv", policy: .dropRow)
        })
        Self.expectSame(fast, try DatasetLoader.load(contents: invalid, sourcePath: "t.csv", target: "y", features: nil, kind: .softmax, missing: .dropRow))
        // Many rows, dropped ones in every chunk, classes that only dropped rows hold.
        var lines = ["a,y"]
        for i in 0..<20_000 { lines.append(i % 7 == 3 ? ",only\(i % 5)" : "\(i),class\(i % 4)") }
        let big = lines.joined(separator: "\n") + "\n"
        let loaded = try #require(Self.fast(big, .dropRow, kind: .softmax))
        Self.expectSame(loaded, try Self.general(big, .dropRow, kind: .softmax))
        #expect(loaded.dataset.classes == ["class0", "class1", "class2", "class3"])
        #expect(Self.fast("a,y\n1,cat\n2,\n3,dog\n", .imputeMean, kind: .softmax) == nil, "an empty label")
    }

    @Test func noRowLeftAndErrorsAreLeftToTheGeneralLoader() {
        #expect(Self.fast("a,y\n,1\n,2\n", .dropRow) == nil)
        #expect(Self.fast("a,y\n1,2\n,3\n", .error) == nil)
        #expect(Self.fast("a,y\nabc,2\n,3\n", .dropRow) == nil, "junk in another row")
    }

    /// Empty fields spread over a file big enough for every chunk to see some.
    @Test(arguments: [MissingValuePolicy.imputeMean, .dropRow])
    func manyRowsWithEmptyFieldsMatchTheGeneralLoader(policy: MissingValuePolicy) throws {
        var rng = SeededGenerator(seed: 9)
        var lines = ["a,b,y"]
        for _ in 0..<20_000 {
            let a = rng.nextBounded(10) == 0 ? "" : "\(rng.nextGaussian())"
            let b = rng.nextBounded(25) == 0 ? " " : "\(rng.nextGaussian())"
            let y = policy == .dropRow && rng.nextBounded(50) == 0 ? "" : "\(rng.nextGaussian())"
            lines.append("\(a),\(b),\(y)")
        }
        let text = lines.joined(separator: "\n") + "\n"
        let fast = try #require(Self.fast(text, policy))
        Self.expectSame(fast, try Self.general(text, policy))
        #expect(fast.missing.missingValues > 2_000)
    }
}
