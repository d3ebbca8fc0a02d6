## Incidents reported to the coordinating body

nav-body-incidents = Sự cố toàn tỉnh
incidents-body-heading = Sự cố các cơ quan · { $body }
incidents-body-hint = Sự cố các cơ quan báo cáo; sự cố quá hạn tiếp nhận đứng đầu danh sách.
incident-report-new = Báo cáo sự cố
incident-report-hint = Báo cáo lên cơ quan chỉ đạo: chuyện gì đã xảy ra, mức độ, clip và kênh liên quan, việc đã làm; kèm ảnh chụp màn hình hoặc văn bản nếu có.
incident-title = Nội dung sự cố
incident-agency = Cơ quan
incident-number = Số
incident-kind = Loại
incident-severity = Mức độ
incident-due = Hạn tiếp nhận
incident-overdue = Quá hạn
incident-description = Diễn biến và việc đã làm
incident-clips = Clip liên quan
incident-channels = Kênh liên quan
incident-file = Tệp đính kèm
incident-file-hint = Ảnh (PNG, JPEG, WebP), PDF, DOCX, XLSX, ODT hoặc văn bản; tối đa { $mb } MB.
incident-send = Gửi báo cáo
incident-conclusion = Kết luận
incident-print = In báo cáo sự cố
incident-timeline = Diễn biến xử lý
incident-body-steps = Cơ quan chỉ đạo xử lý
incident-body-text = Ý kiến (bắt buộc khi yêu cầu bổ sung, đóng hoặc mở lại)
incident-body-text-hint = Tiếp nhận không cần ý kiến; đóng sự cố thì ý kiến là kết luận.
incident-note-heading = Bổ sung diễn biến
incident-answer-heading = Trả lời yêu cầu bổ sung
incident-note-text = Nội dung

incident-kind-takedown = Đăng nhầm và đã gỡ
incident-kind-correction = Đã đính chính
incident-kind-channel_compromised = Kênh bị chiếm quyền hoặc giả mạo
incident-kind-platform_removal = Nền tảng gỡ bài hoặc cảnh cáo kênh
incident-kind-harmful_content = Thông tin xấu, sai sự thật về cơ quan
incident-kind-other = Khác

incident-severity-low = Thấp
incident-severity-medium = Trung bình
incident-severity-high = Cao
incident-severity-critical = Nghiêm trọng

incident-state-open = Chờ tiếp nhận
incident-state-acknowledged = Đã tiếp nhận
incident-state-more_info = Chờ cơ quan bổ sung
incident-state-closed = Đã đóng

incident-event-opened = Báo cáo
incident-event-note = Bổ sung
incident-event-acknowledged = Tiếp nhận
incident-event-more_asked = Yêu cầu bổ sung
incident-event-answered = Trả lời
incident-event-closed = Đóng sự cố
incident-event-reopened = Mở lại

incident-do-note = Ghi thêm
incident-do-answer = Gửi trả lời
incident-do-acknowledge = Tiếp nhận
incident-do-ask = Yêu cầu bổ sung
incident-do-close = Đóng với kết luận
incident-do-reopen = Mở lại

incident-done-reported = Đã gửi báo cáo sự cố lên cơ quan chỉ đạo.
incident-done-note = Đã ghi thêm vào diễn biến.
incident-done-answer = Đã gửi trả lời cho cơ quan chỉ đạo.
incident-done-acknowledge = Đã tiếp nhận sự cố.
incident-done-ask = Đã yêu cầu cơ quan bổ sung.
incident-done-close = Đã đóng sự cố.
incident-done-reopen = Đã mở lại sự cố.

incident-kind-invalid = Hãy chọn loại sự cố.
incident-severity-invalid = Hãy chọn mức độ.
incident-title-invalid = Nội dung sự cố cần từ 5 đến 200 ký tự, trên một dòng.
incident-text-invalid = Hãy viết nội dung (tối đa 5.000 ký tự).
incident-subject-unknown = Clip hoặc kênh đã chọn không thuộc cơ quan.
incident-no-body = Cơ quan chưa thuộc cơ quan chỉ đạo nào để báo cáo.
incident-step-not-now = Sự cố đang ở trạng thái «{ $state }»: bước này không áp dụng lúc này.
incident-changed = Sự cố vừa được người khác xử lý; hãy tải lại trang.
file-empty = Tệp đính kèm trống.
file-too-large = Tệp đính kèm quá lớn (tối đa 10 MB).
file-kind = Loại tệp này không được nhận: hãy gửi ảnh, PDF, DOCX, XLSX, ODT hoặc văn bản.

incident-report-heading = BÁO CÁO SỰ CỐ
incident-report-number = Số:
incident-report-motto = CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
incident-report-motto-2 = Độc lập - Tự do - Hạnh phúc
incident-report-date = ngày { $day } tháng { $month } năm { $year }
incident-report-to = Kính gửi:
incident-report-facts = Thông tin sự cố
incident-report-steps = Diễn biến và việc đã làm
incident-report-recipients = Nơi nhận:
incident-report-archive = Lưu: VT.
incident-report-signer-title = Thủ trưởng cơ quan
incident-report-sign = (Ký, ghi rõ họ tên, đóng dấu)

notify-incident-opened = { $from } báo cáo sự cố: { $note }
notify-incident-note = { $by } bổ sung sự cố “{ $from }”: { $note }
notify-incident-answered = { $by } trả lời về sự cố “{ $from }”: { $note }
notify-incident-acknowledged = { $by } đã tiếp nhận sự cố “{ $from }”.
notify-incident-more-asked = { $by } yêu cầu bổ sung về sự cố “{ $from }”: { $note }
notify-incident-closed = { $by } đã đóng sự cố “{ $from }”: { $note }
notify-incident-reopened = { $by } mở lại sự cố “{ $from }”: { $note }

history-incident-reported = Báo cáo sự cố
history-incident-note = Bổ sung diễn biến sự cố
history-incident-answered = Trả lời yêu cầu bổ sung
history-incident-acknowledged = Tiếp nhận sự cố
history-incident-more_asked = Yêu cầu bổ sung về sự cố
history-incident-closed = Đóng sự cố
history-incident-reopened = Mở lại sự cố
