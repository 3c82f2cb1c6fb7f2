"""What tests share: the fakes that speak real protocols at the network edge (fake_discord.py, fake_openai.py,
llama_server.py), local servers, process runners, corpora and the deterministic embedder. Test modules import
helpers from here only (tests/house/test_boundaries.py)."""
