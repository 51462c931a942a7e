"""HTML reports: an article's text marked with frames, actor sentiment and evidence, and a
corpus's frames and sentiment over time and by group.

aggregate (pure functions: records in, rows out) -> charts (Altair to SVG) -> pages
(Jinja2 templates) -> build (the library side of ``framing report``).
"""
