"""The chat model seam: an OpenAI-compatible LLM (OpenAI, Ollama, vLLM, llama.cpp) through llama-index.

- `chat`: `ChatModel`, completing or streaming a (system, user) prompt; `LLMUnavailable` when it cannot.
- `policy`: how a failing LLM is called: one retry policy with a time budget, and a circuit breaker.
"""
