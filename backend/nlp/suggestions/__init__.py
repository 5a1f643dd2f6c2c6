"""The claims assistant (pure: text in, suggestions out; no file or network I/O).

- `CompletionEngine`, `Completion`, `complete`                  (complete.py: autocompletion sources)
- `PhraseModel`, `PhraseModelBuilder`                          (phrases.py: the n-gram phrase model)
- `suggest_dependent_claims`, `DependentSuggestion`            (dependent.py)
- `DependentLexicon`                                           (lexicon.py: claim language that ranks them)
- `clone_claims`, `ClonedClaim`, `CloneError`                  (clone.py)
- `attach_fixes`, `style_fixes`                                (fixes.py: quick fixes of findings)
"""
