import Testing
@Test func e2ePlaceholder() { #expect(1 + 1 == 2) }
