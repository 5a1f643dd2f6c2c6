"""Batch checking: many .docx files (or one .zip of them) checked in worker processes.

Independent of the web layer and the database, which plug in through these interfaces:

- `intake.read_upload` / `intake.read_zip` / `intake.read_directory` -> `Intake` (named `Document`s)
- `work.check_one(name=, data=, options=, index=)` -> `FileOutcome`: the unit of work, one file
- `executor.Executor` (embedded default `LocalProcessExecutor`, `InlineExecutor` for one process)
- `runner.run_batch(documents=, options=, executor=, on_progress=, cancel=)` yields outcomes
- `report`: report.json, report.csv and annotated.zip from outcomes

Nothing here is imported by this package module itself: importing `backend.batch` does no work.
"""
