import Kernels

/// A named operator at a named place in a model.
public struct BenchCase: Sendable, Equatable {
    /// The suite it belongs to, e.g. "resnet50".
    public var suite: String
    /// Where the shape comes from, e.g. "layer1 3x3".
    public var site: String
    /// The operator and its shape.
    public var spec: OpSpec

    public init(suite: String, site: String, spec: OpSpec) {
        self.suite = suite
        self.site = site
        self.spec = spec
    }
}

/// The built-in suites: shapes taken from the models' layer tables.
public enum Suites {
    /// Names accepted by `op-bench --suite`.
    public static let names = ["kernels", "resnet50", "bert-base", "llama7b-prefill", "llama7b-decode", "bev"]

    /// The cases of one suite, or nil for an unknown name.
    public static func cases(_ name: String) -> [BenchCase]? {
        switch name {
        case "kernels": return kernels
        case "resnet50": return resnet50
        case "bert-base": return bertBase
        case "llama7b-prefill": return llamaPrefill
        case "llama7b-decode": return llamaDecode
        case "bev": return bev
        default: return nil
        }
    }

    /// A BEV perception model (LSS / BEVFusion style: 6 cameras at 256×704, stride-16 features
    /// of 16×44): the FPN's 2× upsampling, the camera-to-BEV sampling onto a 128×128 grid, and
    /// the segmentation head's upsampling of the 200×200 BEV map.
    static let bev: [BenchCase] = {
        func c(_ site: String, _ spec: OpSpec) -> BenchCase { .init(suite: "bev", site: site, spec: spec) }
        return [
            c("fpn upsample", .resize(n: 6, c: 256, h: 16, w: 44, oh: 32, ow: 88, linear: false)),
            c("fpn upsample bilinear", .resize(n: 6, c: 256, h: 16, w: 44, oh: 32, ow: 88, linear: true)),
            c("camera to bev", .gridSample(n: 6, c: 80, h: 32, w: 88, oh: 128, ow: 128, linear: true)),
            c("camera to bev nearest", .gridSample(n: 6, c: 80, h: 32, w: 88, oh: 128, ow: 128, linear: false)),
            c("seg head upsample", .resize(n: 1, c: 64, h: 200, w: 200, oh: 400, ow: 400, linear: true)),
        ]
    }()

    /// The headline measurements of `make bench-kernels`: GEMM against OpenBLAS, the
    /// bandwidth-bound ops against the triad, attention against the GEMM rate.
    static let kernels: [BenchCase] = [
        .init(suite: "kernels", site: "sgemm", spec: .matmul(batch: 1, m: 2048, n: 2048, k: 2048, transposedB: false)),
        .init(suite: "kernels", site: "gemm bf16", spec: .lowPrecisionMatmul(dtype: .bf16, m: 2048, n: 2048, k: 2048)),
        .init(suite: "kernels", site: "gemm int8", spec: .lowPrecisionMatmul(dtype: .int8, m: 2048, n: 2048, k: 2048)),
        .init(suite: "kernels", site: "softmax", spec: .softmax(rows: 4096, n: 4096)),
        .init(suite: "kernels", site: "layernorm", spec: .layerNorm(rows: 16384, n: 1024)),
        .init(suite: "kernels", site: "rmsnorm", spec: .rmsNorm(rows: 4096, n: 4096)),
        .init(suite: "kernels", site: "relu", spec: .unary(.relu, count: 16 << 20)),
        .init(suite: "kernels", site: "gelu", spec: .unary(.geluErf, count: 16 << 20)),
        .init(suite: "kernels", site: "silu", spec: .unary(.silu, count: 16 << 20)),
        .init(suite: "kernels", site: "exp", spec: .unary(.exp, count: 16 << 20)),
        .init(suite: "kernels", site: "add", spec: .binary(.add, count: 16 << 20)),
        .init(suite: "kernels", site: "attention", spec: .attention(b: 1, hq: 8, hkv: 8, sq: 2048, sk: 2048, d: 64, causal: false)),
        .init(suite: "kernels", site: "attention causal", spec: .attention(b: 1, hq: 8, hkv: 8, sq: 2048, sk: 2048, d: 64, causal: true)),
        .init(suite: "kernels", site: "depthwise", spec: .conv2d(n: 1, cin: 256, h: 56, w: 56, cout: 256, kh: 3, kw: 3, stride: 1, pad: 1, groups: 256)),
    ]

    /// ResNet-50 v1.5 at batch 1, 224×224: the stem, one conv of each kind per stage, the
    /// pooling and the classifier.
    static let resnet50: [BenchCase] = {
        func conv(_ site: String, _ cin: Int, _ hw: Int, _ cout: Int, _ k: Int, _ s: Int) -> BenchCase {
            .init(suite: "resnet50", site: site, spec: .conv2d(n: 1, cin: cin, h: hw, w: hw, cout: cout, kh: k, kw: k, stride: s, pad: k / 2, groups: 1))
        }
        return [
            conv("stem 7x7/2", 3, 224, 64, 7, 2),
            .init(suite: "resnet50", site: "stem maxpool", spec: .maxPool(n: 1, c: 64, h: 112, w: 112, kernel: 3, stride: 2, pad: 1)),
            conv("layer1 1x1 reduce", 64, 56, 64, 1, 1),
            conv("layer1 3x3", 64, 56, 64, 3, 1),
            conv("layer1 1x1 expand", 64, 56, 256, 1, 1),
            conv("layer2 3x3/2", 128, 56, 128, 3, 2),
            conv("layer2 3x3", 128, 28, 128, 3, 1),
            conv("layer2 1x1 expand", 128, 28, 512, 1, 1),
            conv("layer3 1x1 reduce", 1024, 14, 256, 1, 1),
            conv("layer3 3x3", 256, 14, 256, 3, 1),
            conv("layer4 3x3", 512, 7, 512, 3, 1),
            conv("layer4 1x1 expand", 512, 7, 2048, 1, 1),
            .init(suite: "resnet50", site: "relu 56x56x256", spec: .unary(.relu, count: 256 * 56 * 56)),
            .init(suite: "resnet50", site: "avgpool", spec: .globalAveragePool(n: 1, c: 2048, h: 7, w: 7)),
            .init(suite: "resnet50", site: "fc", spec: .matmul(batch: 1, m: 1, n: 1000, k: 2048, transposedB: true)),
        ]
    }()

    /// BERT-base (hidden 768, 12 heads, FFN 3072) on one sequence of 384 tokens.
    static let bertBase: [BenchCase] = {
        let s = 384
        func c(_ site: String, _ spec: OpSpec) -> BenchCase { .init(suite: "bert-base", site: site, spec: spec) }
        return [
            c("qkv projection", .matmul(batch: 1, m: s, n: 2304, k: 768, transposedB: true)),
            c("attention", .attention(b: 1, hq: 12, hkv: 12, sq: s, sk: s, d: 64, causal: false)),
            c("scores softmax", .softmax(rows: 12 * s, n: s)),
            c("output projection", .matmul(batch: 1, m: s, n: 768, k: 768, transposedB: true)),
            c("residual add", .binary(.add, count: s * 768)),
            c("layernorm", .layerNorm(rows: s, n: 768)),
            c("ffn up", .matmul(batch: 1, m: s, n: 3072, k: 768, transposedB: true)),
            c("gelu", .unary(.geluErf, count: s * 3072)),
            c("ffn down", .matmul(batch: 1, m: s, n: 768, k: 3072, transposedB: true)),
        ]
    }()

    /// Llama-7B (hidden 4096, 32 heads of 128, MLP 11008) prefilling a 256-token prompt.
    static let llamaPrefill: [BenchCase] = {
        let s = 256
        func c(_ site: String, _ spec: OpSpec) -> BenchCase { .init(suite: "llama7b-prefill", site: site, spec: spec) }
        return [
            c("rmsnorm", .rmsNorm(rows: s, n: 4096)),
            c("q projection", .matmul(batch: 1, m: s, n: 4096, k: 4096, transposedB: true)),
            c("attention", .attention(b: 1, hq: 32, hkv: 32, sq: s, sk: s, d: 128, causal: true)),
            c("mlp gate", .matmul(batch: 1, m: s, n: 11008, k: 4096, transposedB: true)),
            c("silu", .unary(.silu, count: s * 11008)),
            c("gate × up", .binary(.mul, count: s * 11008)),
            c("mlp down", .matmul(batch: 1, m: s, n: 4096, k: 11008, transposedB: true)),
        ]
    }()

    /// Llama-7B generating one token with 2047 tokens in the KV cache.
    static let llamaDecode: [BenchCase] = {
        func c(_ site: String, _ spec: OpSpec) -> BenchCase { .init(suite: "llama7b-decode", site: site, spec: spec) }
        return [
            c("rmsnorm", .rmsNorm(rows: 1, n: 4096)),
            c("q projection", .matmul(batch: 1, m: 1, n: 4096, k: 4096, transposedB: true)),
            c("attention", .attention(b: 1, hq: 32, hkv: 32, sq: 1, sk: 2048, d: 128, causal: true)),
            c("mlp gate", .matmul(batch: 1, m: 1, n: 11008, k: 4096, transposedB: true)),
            c("silu", .unary(.silu, count: 11008)),
            c("mlp down", .matmul(batch: 1, m: 1, n: 4096, k: 11008, transposedB: true)),
        ]
    }()
}
