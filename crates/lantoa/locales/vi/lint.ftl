# Kiểm tra chính tả, bảng mã và văn phong tiếng Việt (lệnh `lantoa lint`).
# Các biến: $found — đoạn văn bản bị nêu; $suggestion — đề xuất sửa; $codepoint — mã ký tự.

lint-nfc = Chữ có dấu ở đây được ghép từ nhiều ký tự (dạng NFD, thường gặp khi sao chép từ máy Mac). Trông giống nhau nhưng tìm kiếm và so khớp sẽ sai; nên chuẩn hóa về dạng dựng sẵn (NFC).
lint-legacy_tcvn3 = Đoạn “{ $found }” là chữ gõ bằng bảng mã TCVN3 (ABC, phông .VnTime) dán vào nên hiển thị sai. Đề xuất chuyển sang Unicode: “{ $suggestion }”. Hãy đọc lại trước khi nhận.
lint-legacy_vni = Đoạn “{ $found }” là chữ gõ bằng bảng mã VNI (phông VNI-Times) dán vào nên hiển thị sai. Đề xuất chuyển sang Unicode: “{ $suggestion }”. Hãy đọc lại trước khi nhận.
lint-legacy_viscii = Đoạn “{ $found }” là chữ gõ bằng bảng mã VISCII dán vào nên hiển thị sai. Đề xuất chuyển sang Unicode: “{ $suggestion }”. Hãy đọc lại trước khi nhận.
lint-vni_keystrokes = “{ $found }” là chữ gõ kiểu VNI khi chưa bật bộ gõ tiếng Việt (số thay cho dấu). Có lẽ là “{ $suggestion }”.
lint-tone_placement = Dấu thanh trong “{ $found }” đặt sai vị trí; viết đúng là “{ $suggestion }”.
lint-tone_style = “{ $found }” đặt dấu khác kiểu quy định của cơ quan; theo kiểu đã chọn, viết là “{ $suggestion }”.
lint-tone_mixed = Văn bản dùng lẫn hai kiểu đặt dấu (kiểu cũ “hòa, thủy” và kiểu mới “hoà, thuỷ”), ví dụ “{ $found }”. Nên thống nhất một kiểu.
lint-capitalisation = “{ $found }” viết hoa chưa đúng quy định (Nghị định 30/2020/NĐ-CP); viết là “{ $suggestion }”.
lint-sentence_start = Đầu câu phải viết hoa: “{ $suggestion }”.
lint-eth = “{ $found }” là chữ eth (Ð, { $codepoint }) của tiếng Iceland, trông giống nhưng không phải chữ Đ tiếng Việt; tìm kiếm sẽ không thấy. Thay bằng “{ $suggestion }”.
lint-invisible = Có ký tự ẩn ({ $codepoint }, không nhìn thấy trên màn hình) làm sai việc tìm kiếm và ngắt dòng; nên xóa.
lint-nbsp = Khoảng trắng không ngắt dòng ({ $codepoint }); nên thay bằng dấu cách thường.
lint-control = Ký tự điều khiển ({ $codepoint }) lẫn trong văn bản; nên xóa.
lint-doubled_word = Từ bị lặp: “{ $found }”. Nếu không phải từ láy cố ý, viết là “{ $suggestion }”.
lint-doubled_space = Thừa dấu cách giữa hai từ; chỉ cần một dấu cách.
lint-punct_space = Không đặt dấu cách trước dấu câu , . ; : ! ?
lint-punct_missing_space = Thiếu dấu cách sau dấu câu “{ $found }”.
lint-bracket_space = Ngoặc và ngoặc kép phải viết liền với nội dung bên trong; bỏ dấu cách.
lint-lookalike = “{ $found }” ({ $codepoint }) là chữ Kirin hoặc Hy Lạp trông giống chữ Latinh; tìm kiếm sẽ không thấy từ này. Thay bằng “{ $suggestion }”.
lint-watch_term = “{ $found }” nằm trong danh sách cần lưu ý của cơ quan; đề nghị kiểm tra kỹ nội dung và nguồn trước khi đăng.
lint-ellipsis_mixed = Dấu ba chấm viết hai kiểu (“…” và “...”) trong cùng văn bản; nên thống nhất một kiểu.
lint-admin_unit = Danh từ chỉ đơn vị hành chính đứng trước tên riêng viết thường (Nghị định 30/2020/NĐ-CP): viết “{ $suggestion }” thay cho “{ $found }”. Chỉ viết hoa khi đứng đầu câu, khi đi với số (Quận 1) hoặc tên người, sự kiện (Phường Lê Lợi), và trong tên riêng như Tỉnh ủy, Tỉnh đoàn, Thành phố Hồ Chí Minh.
lint-detached_mark = Trong “{ $found }” có dấu gõ rời không ghép được vào chữ đứng trước nên hiển thị lệch hoặc tách rời. Viết đúng là “{ $suggestion }”.

# Quy định về văn bản của từng nền tảng (data/platform-text.toml), kiểm tra trước khi duyệt.
# Các biến: $platform — tên nền tảng; $part — phần bài đăng; $limit, $measured — giới hạn và độ dài đo được; $unit — đơn vị đo; $found — ký tự bị từ chối.
lint-platform_length = { $platform } chỉ nhận { $part } dài tối đa { $limit } { $unit }; bản này dài { $measured }. Nền tảng sẽ từ chối khi đăng: hãy rút gọn, hoặc viết chú thích riêng cho { $platform }.
lint-platform_char = { $platform } không nhận ký tự “{ $found }” trong { $part }; nền tảng sẽ từ chối khi đăng.
lint-platform_required = { $platform } bắt buộc có { $part }, hiện đang để trống.
platform-part-title = tiêu đề
platform-part-description = phần mô tả (chú thích kèm hashtag)
platform-part-tags = thẻ từ khóa (các hashtag, bỏ dấu #)
platform-unit-chars = ký tự
platform-unit-utf16 = ký tự (biểu tượng cảm xúc tính là 2)
platform-unit-bytes = byte (mỗi chữ có dấu tính 2 đến 3 byte)

lint-severity-error = lỗi
lint-severity-warning = cảnh báo
lint-severity-info = lưu ý
lint-remove = xóa
lint-cli-unreadable = Không đọc được { $path }: { $error }
lint-cli-not-utf8 = Tệp không phải văn bản UTF-8 nên không kiểm tra được. Hãy lưu lại dưới dạng Unicode (UTF-8) rồi chạy lại.
lint-cli-not-utf8-legacy = Tệp không phải văn bản UTF-8; có vẻ là chữ gõ bằng bảng mã { $encoding }. Hãy chuyển sang Unicode (UTF-8) rồi chạy lại, ví dụ: { $command }
