import ArgumentParser

/// The options every command that starts from a config shares (`run`, `solve`).
struct ConfigOptions: ParsableArguments {
    @Argument(help: "Config file path or shipped config name.")
    var config: String

    @Option(name: .customLong("set"), help: ArgumentHelp("Override a config key, e.g. --set optimizer.lr=0.1 (repeatable).", valueName: "key=value"))
    var overrides: [String] = []

    @Option(help: "Run folder name (default: the config's name).")
    var name: String?

    @Flag(help: "Print nothing but errors.")
    var quiet = false
}
