/// The area under the ROC curve as the Mann–Whitney U statistic with ties counted half:
/// U / (P·N). Equal to `sklearn.metrics.roc_auc_score` (which integrates the ROC curve
/// by trapezoids — the same number, up to rounding).
public enum AUC {
    /// The AUC of `scores` for the binary `labels`; throws when one class is absent.
    public static func compute(labels: [Bool], scores: [Double]) throws -> Double {
        precondition(labels.count == scores.count, "AUC.compute: labels and scores differ in length")
        let order = scores.indices.sorted { scores[$0] < scores[$1] }
        var negativesBelow = 0.0, u2 = 0.0   // u2 = 2·U, exact in binary64 up to 2^53
        var positives = 0.0, negatives = 0.0
        var k = 0
        while k < order.count {
            let v = scores[order[k]]
            var pos = 0.0, neg = 0.0
            while k < order.count && scores[order[k]] == v {
                if labels[order[k]] { pos += 1 } else { neg += 1 }
                k += 1
            }
            u2 += pos * (2 * negativesBelow + neg)
            negativesBelow += neg
            positives += pos; negatives += neg
        }
        guard positives > 0, negatives > 0 else {
            throw DriftError("the AUC needs both classes; the labels hold only \(positives > 0 ? "positives" : "negatives")")
        }
        return u2 / 2 / (positives * negatives)
    }
}
