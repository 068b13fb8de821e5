// libFuzzer entry point for the JSON parser, the config validator and the checkpoint reader,
// compiled together with the TrainerCore sources (see run.sh).

@_cdecl("LLVMFuzzerTestOneInput")
public func configFuzzTestOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    checkConfig(Array(UnsafeBufferPointer(start: data, count: size)))
    return 0
}

func checkConfig(_ bytes: [UInt8]) {
    let json: JSONValue
    do {
        json = try JSONValue.parse(utf8: bytes)
    } catch {
        if error.line < 1 || error.column < 1 { fatalError("bad error location \(error.line):\(error.column)") }
        return
    }
    // Whatever parses must serialize to text that parses back to the same value.
    guard let again = try? JSONValue.parse(json.serialized()), again == json else {
        fatalError("serialize/parse round trip changed the value")
    }
    _ = try? TrainingCheckpoint(json: json)
    do {
        let config = try TrainerConfig.parse(json, defaultName: "fuzz", file: nil)
        // A valid config must survive its own resolved form (what run folders record).
        let resolved = try TrainerConfig.parse(config.resolvedJSON(), defaultName: "other", file: nil)
        if resolved != config { fatalError("resolvedJSON round trip changed the config") }
    } catch {
        if error.reason.isEmpty { fatalError("config error without a reason") }
    }
}
