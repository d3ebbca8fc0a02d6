# Phụ đề tiếng Việt (issue 18): lỗi đọc tệp .srt/.vtt và kết quả kiểm tra từng câu.
# The codes are media::subtitles' ParseError::code and CueProblem::code.
# Reading a file: $line — the line of the file (from 1); $detail — the offending text.
# Checking cues: $n — the cue's number (from 1), then the problem's own arguments.

## Đọc tệp phụ đề
subs-not-utf8 = Dòng { $line }: tệp không ở bảng mã UTF-8 ({ $detail }). Có lẽ tệp được lưu bằng bảng mã cũ (TCVN3, VNI hoặc Windows-1258). Hãy mở tệp, lưu lại với bảng mã UTF-8 rồi tải lên lại.
subs-empty = Tệp phụ đề trống, không có câu nào.
subs-bad-timing = Dòng { $line }: mốc thời gian sai ({ $detail }). Viết theo dạng 00:00:01,000 --> 00:00:03,500.
subs-end-before-start = Dòng { $line }: thời điểm kết thúc đứng trước thời điểm bắt đầu ({ $detail }).
subs-too-large = Tệp phụ đề quá lớn (đến dòng { $line }): mỗi tệp tối đa 1 MiB và 5.000 câu.
subs-control-char = Dòng { $line }: có ký tự điều khiển không hiển thị được ({ $detail }). Hãy xóa ký tự đó rồi lưu lại.
subs-bad-header = Dòng { $line }: tệp WebVTT phải mở đầu bằng dòng “WEBVTT” ({ $detail }).

## Kiểm tra từng câu phụ đề
subs-cue-empty = Câu { $n } không có chữ nào.
subs-cue-overlap = Câu { $n } bắt đầu khi câu { $other } chưa kết thúc.
subs-cue-out-of-range = Câu { $n } ({ $start }–{ $end } giây) nằm ngoài thời lượng của video.
subs-cue-end-before-start = Câu { $n } kết thúc ({ $end } giây) trước khi bắt đầu ({ $start } giây).
subs-cue-fast = Câu { $n } chạy quá nhanh: { $cps } ký tự/giây, tối đa { $max }. Hãy rút gọn câu hoặc để câu hiện lâu hơn.
subs-cue-long-line = Dòng { $line } của câu { $n } dài { $chars } ký tự, tối đa { $max }.
subs-cue-many-lines = Câu { $n } có { $lines } dòng, tối đa { $max } dòng.
subs-cue-short = Câu { $n } chỉ hiện { $duration } giây, nên hiện ít nhất { $min } giây.
subs-cue-long = Câu { $n } hiện { $duration } giây, nên hiện không quá { $max } giây.
subs-cue-draft = Câu { $n } là bản nháp do máy nhận dạng giọng nói, chưa có người duyệt.
