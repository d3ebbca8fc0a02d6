## Media: compliance report levels and platform renditions
# advice-…: the same finding as spec-…, for what a platform only recommends (the
# platform still takes the file; no rendition is made for it).
advice-container = Nền tảng khuyên dùng định dạng { $allowed }; tệp này là { $actual }.
advice-video-codec = Nền tảng khuyên dùng chuẩn nén hình { $allowed }; video này dùng { $actual }.
advice-pixel-format = Nền tảng khuyên dùng định dạng điểm ảnh { $allowed }; video này dùng { $actual }.
advice-audio-codec = Nền tảng khuyên dùng chuẩn nén âm thanh { $allowed }; video này dùng { $actual }.
advice-audio-sample-rate = Nền tảng khuyên dùng tần số lấy mẫu âm thanh { $allowed } Hz; video này dùng { $actual } Hz.
advice-audio-bit-rate-too-low = Âm thanh có tốc độ bit { $actual_kbps } kb/s; nền tảng khuyên dùng từ { $limit_kbps } kb/s trở lên.
advice-audio-channels = Âm thanh có { $actual } kênh; nền tảng khuyên dùng ít nhất { $limit } kênh.
advice-duration-too-short = Video dài { $actual } giây; nền tảng khuyên dài ít nhất { $limit } giây.
advice-duration-too-long = Video dài { $actual } giây; nền tảng khuyên dài không quá { $limit } giây.
advice-resolution-too-low = Độ phân giải { $width }×{ $height } thấp hơn mức nền tảng khuyên dùng ({ $min_width }×{ $min_height }).
advice-side-too-small = Cạnh ngắn của khung hình là { $actual } điểm ảnh; nền tảng khuyên dùng từ { $limit } điểm ảnh trở lên.
advice-side-too-large = Cạnh dài của khung hình là { $actual } điểm ảnh; nền tảng khuyên dùng không quá { $limit } điểm ảnh.
advice-aspect = Nền tảng khuyên dùng tỉ lệ khung hình { $required }; video này có tỉ lệ { $actual }.
advice-orientation = Nền tảng khuyên dùng video { $allowed ->
        [portrait] dọc
        [landscape] ngang
        [square] vuông
        [portrait-landscape] dọc hoặc ngang
        [portrait-square] dọc hoặc vuông
        [landscape-square] ngang hoặc vuông
       *[other] đúng hướng khung hình khuyến nghị
    }; video này là video { $actual ->
        [portrait] dọc
        [landscape] ngang
       *[square] vuông
    }.
advice-fps-too-low = Tốc độ { $actual } khung hình/giây thấp hơn mức nền tảng khuyên dùng ({ $limit } khung hình/giây).
advice-fps-too-high = Tốc độ { $actual } khung hình/giây cao hơn mức nền tảng khuyên dùng ({ $limit } khung hình/giây).
advice-fps-variable = Nền tảng khuyên dùng tốc độ khung hình cố định; video này có tốc độ thay đổi (trung bình { $actual } khung hình/giây).
advice-file-too-large = Tệp nặng { $actual_mb } MB; nền tảng khuyên dùng tệp không quá { $limit_mb } MB.
advice-moov-not-at-front = Nền tảng khuyên đặt chỉ mục MP4 (moov) ở đầu tệp ("faststart"); tệp này không như vậy.
qc-accepted = Nền tảng nhận
qc-refused = Nền tảng không nhận
qc-advice = Khuyến nghị của nền tảng (không bắt buộc; không tạo bản dựng vì các điểm này):
qc-refused-fixed = Đã tạo bản dựng mà nền tảng này nhận (xem mục bản dựng cho nền tảng).
qc-refused-blocking = Không bản dựng nào khắc phục được: cần sửa tệp gốc rồi tải lên phiên bản mới.
rendition-remux = MP4 đóng gói lại (giữ nguyên hình và tiếng, không nén lại)
rendition-encoded = Bản { $shape ->
        [portrait] dọc 9:16
        [square] vuông 1:1
       *[landscape] ngang 16:9
    } nén H.264/AAC
rendition-reshaped = Bản { $shape ->
        [portrait] dọc 9:16
        [square] vuông 1:1
       *[landscape] ngang 16:9
    } nén H.264/AAC, nền mờ lấp phần trống
rendition-reencoded = Bản nén lại H.264/AAC, giữ khung { $shape ->
        [portrait] dọc 9:16
        [square] vuông 1:1
       *[landscape] ngang 16:9
    }
rendition-purpose = { $kind } — để { $platforms } nhận: sửa { $fixes }
rendition-fix-shape = hướng và tỉ lệ khung hình
rendition-fix-frame-size = kích thước khung hình
rendition-fix-video-codec = chuẩn nén hình
rendition-fix-pixel-format = định dạng điểm ảnh
rendition-fix-frame-rate = tốc độ khung hình
rendition-fix-audio = định dạng âm thanh
rendition-fix-container = định dạng tệp
rendition-fix-index = chỉ mục MP4 về đầu tệp
