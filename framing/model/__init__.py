"""The model: its config (config), where the encoder comes from (backbone), the network
and its batches (network), model directories on disk (persistence), the model card (card)."""
