"""DockerCoins, rewritten from jpetazzo/container.training's sample app (Apache-2.0),
keeping its HTTP API and its redis keys: `hashes` (a counter) and `wallet` (a hash)."""
