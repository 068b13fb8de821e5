import Testing
@testable import TrainerCore
@Test func placeholder() { #expect(TrainerCore.version == "0.1.0") }
