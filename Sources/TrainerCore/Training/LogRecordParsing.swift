/// Reading `metrics.csv` and `epochs.csv` rows back, for `trainer resume`: the rows were written
/// with the shortest round-trip text, so parsing gives back the identical records.
extension StepRecord {
    /// Parses one `metrics.csv` data row (the layout of `csvHeader`); nil when malformed.
    public init?(csvRow: Substring) {
        let f = csvRow.split(separator: ",", omittingEmptySubsequences: false)
        guard f.count == 14,
              let step = Int(f[0]), let epoch = Int(f[1]), let lr = Double(f[2]), let loss = Double(f[3]),
              let examples = Int(f[4]), let gradNorm = Double(f[5]), let clippedGradNorm = Double(f[6]),
              let clipCoefficient = Double(f[7]), let gradNormWeights = Double(f[8]),
              let gradNormBias = Double(f[9]), let updateNorm = Double(f[10]), let weightNorm = Double(f[11]),
              f[13] == "0" || f[13] == "1"
        else { return nil }
        self.init(
            step: step, epoch: epoch, lr: lr, loss: loss, examples: examples, gradNorm: gradNorm,
            clippedGradNorm: clippedGradNorm, clipCoefficient: clipCoefficient, gradNormWeights: gradNormWeights,
            gradNormBias: gradNormBias, updateNorm: updateNorm, weightNorm: weightNorm, skipped: f[13] == "1")
    }
}

extension EpochRecord {
    /// Parses one `epochs.csv` data row; nil when malformed.
    public init?(csvRow: Substring) {
        let f = csvRow.split(separator: ",", omittingEmptySubsequences: false)
        guard f.count == 6, let epoch = Int(f[0]), let step = Int(f[1]), let trainLoss = Double(f[2]),
              let valLoss = Double(f[3]), let trainMetric = Double(f[4]), let valMetric = Double(f[5])
        else { return nil }
        self.init(epoch: epoch, step: step, trainLoss: trainLoss, valLoss: valLoss, trainMetric: trainMetric, valMetric: valMetric)
    }
}
