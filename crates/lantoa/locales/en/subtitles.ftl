# Vietnamese subtitles (issue 18): errors reading .srt/.vtt files and the check of each cue.
# The codes are media::subtitles' ParseError::code and CueProblem::code.
# Reading a file: $line — the line of the file (from 1); $detail — the offending text.
# Checking cues: $n — the cue's number (from 1), then the problem's own arguments.

## Reading a subtitle file
subs-not-utf8 = Line { $line }: the file is not UTF-8 ({ $detail }). It was probably saved in an old Vietnamese encoding (TCVN3, VNI or Windows-1258). Open it, save it again as UTF-8 and upload it again.
subs-empty = The subtitle file is empty: it has no cues.
subs-bad-timing = Line { $line }: the timing is wrong ({ $detail }). Write it as 00:00:01,000 --> 00:00:03,500.
subs-end-before-start = Line { $line }: the end comes before the start ({ $detail }).
subs-too-large = The subtitle file is too large (at line { $line }): at most 1 MiB and 5,000 cues a file.
subs-control-char = Line { $line }: there is an invisible control character ({ $detail }). Delete it and save again.
subs-bad-header = Line { $line }: a WebVTT file must begin with the line “WEBVTT” ({ $detail }).

## Checking each cue
subs-cue-empty = Cue { $n } has no text.
subs-cue-overlap = Cue { $n } starts before cue { $other } ends.
subs-cue-out-of-range = Cue { $n } ({ $start }–{ $end } s) is outside the video.
subs-cue-end-before-start = Cue { $n } ends ({ $end } s) before it starts ({ $start } s).
subs-cue-fast = Cue { $n } is too fast to read: { $cps } characters a second, at most { $max }. Shorten it or show it longer.
subs-cue-long-line = Line { $line } of cue { $n } has { $chars } characters, at most { $max }.
subs-cue-many-lines = Cue { $n } has { $lines } lines, at most { $max }.
subs-cue-short = Cue { $n } shows for only { $duration } s; show it for at least { $min } s.
subs-cue-long = Cue { $n } shows for { $duration } s; show it for at most { $max } s.
subs-cue-draft = Cue { $n } is a machine draft from speech recognition that nobody has reviewed yet.
