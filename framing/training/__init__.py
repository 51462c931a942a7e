"""Training: the settings (config), the rows a run learns from (data) and the loop with
its steps (loop)."""
