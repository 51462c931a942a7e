"""Scoring against gold data: metrics (scikit-learn), bootstrap intervals and paired tests,
calibration, baselines, the CI gate, and agreement between annotators. Compute only:
framing.render draws the tables."""
