import ArgumentParser
import TrainerCore

struct ConfigKeys: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "config-keys",
        abstract: "Print every config key with its type, default and meaning (Markdown table, as in README)."
    )

    func run() {
        print(ConfigSchema.markdownTable(), terminator: "")
    }
}
