# Giao diện Lantoa — tiếng Việt (ngôn ngữ mặc định)

footer-tagline = Nhanh – ngắn – rộng, và không sai sót
save = Lưu
continue = Tiếp tục

## Điều hướng
nav-label = Điều hướng chính
nav-dashboard = Bảng điều khiển
nav-members = Thành viên
nav-audit = Nhật ký kiểm tra
nav-overview = Tổng quan các cơ quan
nav-agencies = Cơ quan
nav-system-audit = Nhật ký toàn hệ thống
nav-switch-agency = Chuyển cơ quan
nav-profile = Hồ sơ cá nhân
nav-logout = Đăng xuất

## Đăng nhập
login-title = Đăng nhập
login-intro = Bàn biên tập video ngắn của cơ quan báo chí.
login-username = Tên đăng nhập
login-password = Mật khẩu
login-submit = Đăng nhập
login-failed = Tên đăng nhập hoặc mật khẩu không đúng.

## Bảng điều khiển
dashboard-members = Thành viên
dashboard-active = { $count } đang hoạt động
dashboard-audit-today = Thay đổi hôm nay
dashboard-audit-week = { $count } thay đổi trong 7 ngày
dashboard-by-role = Thành viên theo vai trò
dashboard-count = Số người
dashboard-read-only = chế độ chỉ xem
overview-intro = Các cơ quan báo chí bạn được theo dõi, số liệu đếm trực tiếp từ hệ thống.
overview-empty = Chưa có cơ quan nào.
overview-agency = Cơ quan

## Vai trò
role-reporter = Phóng viên
role-editor = Biên tập viên
role-head = Người đứng đầu
role-deputy = Cấp phó
role-analyst = Phụ trách kênh, phân tích
role-agency_admin = Quản trị cơ quan
role-overseer = Cơ quan theo dõi

## Thành viên
members-username = Tên đăng nhập
members-username-hint = 3–40 ký tự: chữ không dấu, số, dấu chấm, gạch dưới, gạch ngang.
members-name = Họ và tên
members-roles = Vai trò
members-roles-hint = Bỏ chọn mọi vai trò để đưa người này ra khỏi cơ quan.
members-signing-roles-hint = Vai trò Lãnh đạo và Cấp phó (người ký duyệt clip) do quản trị hệ thống gán hoặc gỡ.
members-signing-roles-by-sysadmin = Chỉ quản trị hệ thống mới được gán hoặc gỡ vai trò Lãnh đạo và Cấp phó.
members-status = Trạng thái
members-active = Đang hoạt động
members-disabled = Đã khóa
members-must-change = Chờ đổi mật khẩu
members-add = Thêm thành viên
members-create = Tạo tài khoản
members-temp-password = Mật khẩu tạm (không bắt buộc)
members-temp-password-hint = Để trống để Lantoa tạo mật khẩu tạm. Người dùng phải đổi mật khẩu ở lần đăng nhập đầu.
members-history = Lịch sử thay đổi của tài khoản này
members-account = Tài khoản
members-reset-password = Cấp lại mật khẩu tạm
members-reset-hint = Cấp lại mật khẩu sẽ đăng xuất người này khỏi mọi thiết bị và thu hồi mọi khóa truy cập API.
members-disable = Khóa tài khoản
members-enable = Mở khóa tài khoản
temp-password-title = Mật khẩu tạm thời
temp-password-for = Mật khẩu tạm thời của { $username }:
temp-password-once = Mật khẩu chỉ hiển thị một lần. Hãy trao trực tiếp cho người dùng; họ phải đổi ở lần đăng nhập đầu.

## Nhật ký kiểm tra
audit-user = Người thực hiện
audit-object-type = Loại đối tượng
audit-object-id = Mã đối tượng
audit-from = Từ ngày
audit-to = Đến ngày
audit-filter = Lọc
audit-empty = Không có mục nào khớp bộ lọc.
audit-time = Thời gian
audit-action = Hành động
audit-object = Đối tượng
audit-summary = Trước / sau
audit-address = Địa chỉ
audit-older = Cũ hơn

## Hồ sơ
profile-must-change = Tài khoản của bạn đang dùng mật khẩu tạm. Hãy đặt mật khẩu mới để tiếp tục.
profile-password-changed = Đã đổi mật khẩu. Các phiên đăng nhập khác đã được kết thúc.
profile-language = Ngôn ngữ giao diện
profile-password = Đổi mật khẩu
profile-current-password = Mật khẩu hiện tại
profile-new-password = Mật khẩu mới (ít nhất 10 ký tự)
profile-confirm-password = Nhập lại mật khẩu mới
profile-change-password = Đổi mật khẩu
profile-tokens = Khóa truy cập API
profile-tokens-hint = Dùng cho phần mềm và kịch bản: gửi kèm tiêu đề "Authorization: Bearer <khóa>". Khóa mang quyền của bạn; hãy thu hồi khi không dùng nữa.
profile-token-name = Tên khóa
profile-token-prefix = Mở đầu
profile-token-created-at = Tạo lúc
profile-token-last-used = Dùng lần cuối
profile-token-revoke = Thu hồi
profile-token-revoked = Đã thu hồi
profile-token-create = Tạo khóa
profile-token-created = Khóa mới — sao chép ngay, khóa chỉ hiển thị một lần:

## Quản trị hệ thống
admin-name = Tên
admin-slug = Mã rút gọn
admin-body = Cơ quan theo dõi
admin-is-body = (cơ quan theo dõi)
admin-time-zone = Múi giờ
admin-add-agency = Thêm cơ quan báo chí
admin-add-body = Thêm cơ quan theo dõi
admin-create = Tạo

## Dữ liệu không hợp lệ
invalid-username = Tên đăng nhập phải dài 3–40 ký tự, chỉ gồm chữ không dấu, số, dấu chấm, gạch dưới, gạch ngang.
invalid-display-name = Họ và tên phải có từ 1 đến 100 ký tự.
invalid-password = Mật khẩu phải có ít nhất 10 ký tự.
invalid-locale = Ngôn ngữ phải là "vi" hoặc "en".
invalid-role = Có vai trò không tồn tại.
roles-required = Hãy chọn ít nhất một vai trò.
invalid-slug = Mã rút gọn phải dài 2–40 ký tự, gồm chữ thường không dấu, số và gạch ngang.
invalid-org-name = Tên cơ quan phải có từ 2 đến 200 ký tự.
invalid-time-zone = Múi giờ không hợp lệ (ví dụ: Asia/Ho_Chi_Minh).
invalid-parent = Hãy chọn cơ quan theo dõi.
invalid-token-name = Tên khóa phải có từ 1 đến 80 ký tự.
password-mismatch = Hai lần nhập mật khẩu mới không khớp.
password-unchanged = Mật khẩu mới phải khác mật khẩu hiện tại.
current-password-wrong = Mật khẩu hiện tại không đúng.
profile-password-throttled = Nhập sai mật khẩu quá nhiều lần. Vui lòng thử lại sau { $minutes } phút.
username-taken = Tên đăng nhập này đã có người dùng.
slug-taken = Mã rút gọn này đã được dùng.
conflict-exists = Đã có một bản ghi trùng.
cannot-change-self = Bạn không thể tự thực hiện thao tác này với tài khoản của mình.
last-agency-admin = Cơ quan phải còn ít nhất một quản trị cơ quan đang hoạt động.

## Lỗi
error-title-403 = Không có quyền truy cập
error-title-404 = Không tìm thấy trang
error-title-500 = Hệ thống gặp sự cố
error-title-other = Không thực hiện được yêu cầu
error-go-home = Về trang chính
error-unauthenticated = Bạn cần đăng nhập.
error-forbidden = Vai trò của bạn không được phép thực hiện thao tác này ở cơ quan này.
error-not-found = Không tìm thấy nội dung bạn yêu cầu.
error-malformed = Yêu cầu không đúng định dạng.
error-malformed-field = Trường "{ $field }" không hợp lệ: { $detail }
error-method-not-allowed = Thao tác này không được hỗ trợ tại địa chỉ này.
error-too-large = Dữ liệu gửi lên quá lớn.
error-throttled = Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau { $minutes } phút.
error-password-change-required = Bạn cần đổi mật khẩu tạm trước khi tiếp tục.
error-csrf = Biểu mẫu đã hết hạn hoặc không được gửi từ Lantoa. Hãy tải lại trang và thử lại.
error-unavailable = Cơ sở dữ liệu tạm thời không truy cập được. Vui lòng thử lại sau ít phút.
error-gone = Nội dung này không còn nữa (đã hết hạn hoặc đã bị hủy).
error-checksum-mismatch = Dữ liệu nhận được bị sai lệch (mã kiểm tra không khớp). Phần này sẽ được gửi lại.
error-unsupported-media-type = Kiểu dữ liệu gửi lên không được hỗ trợ.
error-precondition = Yêu cầu thiếu điều kiện giao thức cần thiết.
error-internal = Đã xảy ra lỗi ngoài dự kiến. Sự cố đã được ghi lại; vui lòng thử lại.

## Hàng đợi công việc
nav-jobs = Công việc nền
jobs-all = Tất cả
jobs-empty = Không có công việc nào.
jobs-kind = Loại
jobs-state = Trạng thái
jobs-attempts = Lần chạy
jobs-run-at = Chạy lúc
jobs-error = Lỗi gần nhất
jobs-retry = Chạy lại
jobs-cancel = Hủy
job-not-retryable = Chỉ chạy lại được công việc đã hỏng, thất bại hoặc đã hủy.
job-not-cancellable = Công việc này đã kết thúc, không thể hủy.
## Media
media-error-timeout = Xử lý tệp video quá { $secs } giây nên đã bị dừng. Vui lòng thử lại sau.
media-error-spawn = Máy chủ chưa có công cụ xử lý video (ffmpeg). Hãy báo cho quản trị hệ thống.
media-error-failed = Không xử lý được tệp video này. Sự cố đã được ghi lại.
media-error-parse = Công cụ xử lý video trả về kết quả không đọc được. Sự cố đã được ghi lại.
media-error-io = Không đọc hoặc ghi được tệp video trên máy chủ. Vui lòng thử lại sau.
media-unreadable = Không đọc được tệp này: có thể đây không phải tệp video, hoặc tệp đã bị hỏng.
media-truncated = Tệp video bị thiếu phần cuối (có thể do tải lên chưa xong). Hãy tải lên lại toàn bộ tệp.
media-not-video = Tệp này không chứa hình ảnh video.
media-unsupported-container = Không hỗ trợ định dạng tệp { $container }. Chỉ nhận { $allowed }.
media-unsupported-video-codec = Không hỗ trợ chuẩn nén hình { $codec }. Chỉ nhận { $allowed }.
media-unsupported-audio-codec = Không hỗ trợ chuẩn nén âm thanh { $codec }. Chỉ nhận { $allowed }.
media-duration-unknown = Không xác định được thời lượng của video.
media-too-short = Video dài { $actual } giây, ngắn hơn mức tối thiểu { $limit } giây.
media-too-long = Video dài { $actual } giây, vượt mức tối đa { $limit } giây.
media-dimensions-absurd = Kích thước khung hình { $width }×{ $height } không hợp lệ: mỗi cạnh phải có ít nhất { $min } điểm ảnh.
media-dimensions-too-large = Khung hình { $width }×{ $height } vượt mức tối đa { $max_width }×{ $max_height }.
media-fps-too-high = Tốc độ { $actual } khung hình/giây vượt mức tối đa { $limit } khung hình/giây.
media-file-too-large = Tệp nặng { $actual_mb } MB, vượt mức tối đa { $limit_mb } MB.
media-decompression-bomb = Tệp chỉ nặng { $size_mb } MB nhưng khai báo tới { $frames } khung hình { $width }×{ $height }. Lượng dữ liệu giải nén bất thường như vậy có thể làm quá tải máy chủ, nên tệp bị từ chối.
media-note-no-audio = Video không có tiếng.
media-note-variable-frame-rate = Tốc độ khung hình thay đổi trong video (trung bình { $avg }, danh định { $base } khung hình/giây). Trên một số nền tảng, hình và tiếng có thể bị lệch.
media-note-rotated = Video có gắn thông tin xoay { $degrees }°: khung hình được xoay lại khi phát. Ảnh đại diện và bản xem duyệt đã được dựng đúng chiều.
media-note-moov-at-end = Chỉ mục của tệp MP4 (moov) nằm ở cuối tệp, nên trên web video chỉ phát được sau khi tải xong toàn bộ.
spec-container = Nền tảng chỉ nhận định dạng { $allowed }; tệp này là { $actual }.
spec-video-codec = Nền tảng chỉ nhận chuẩn nén hình { $allowed }; video này dùng { $actual }.
spec-pixel-format = Nền tảng yêu cầu định dạng điểm ảnh { $allowed }; video này dùng { $actual }.
spec-audio-codec = Nền tảng chỉ nhận chuẩn nén âm thanh { $allowed }; video này dùng { $actual }.
spec-audio-sample-rate = Nền tảng yêu cầu tần số lấy mẫu âm thanh { $allowed } Hz; video này dùng { $actual } Hz.
spec-audio-bit-rate-too-low = Âm thanh có tốc độ bit { $actual_kbps } kb/s, thấp hơn mức tối thiểu { $limit_kbps } kb/s.
spec-audio-channels = Âm thanh chỉ có { $actual } kênh; nền tảng yêu cầu ít nhất { $limit } kênh.
spec-duration-too-short = Video dài { $actual } giây; nền tảng yêu cầu tối thiểu { $limit } giây.
spec-duration-too-long = Video dài { $actual } giây; nền tảng chỉ nhận tối đa { $limit } giây.
spec-resolution-too-low = Độ phân giải { $width }×{ $height } thấp hơn mức tối thiểu { $min_width }×{ $min_height }.
spec-side-too-small = Cạnh ngắn của khung hình là { $actual } điểm ảnh, nhỏ hơn mức tối thiểu { $limit } điểm ảnh.
spec-side-too-large = Cạnh dài của khung hình là { $actual } điểm ảnh, vượt mức tối đa { $limit } điểm ảnh.
spec-aspect = Nền tảng yêu cầu tỉ lệ khung hình { $required }; video này có tỉ lệ { $actual }.
spec-orientation = Nền tảng chỉ nhận video { $allowed ->
        [portrait] dọc
        [landscape] ngang
        [square] vuông
        [portrait-landscape] dọc hoặc ngang
        [portrait-square] dọc hoặc vuông
        [landscape-square] ngang hoặc vuông
       *[other] đúng hướng khung hình quy định
    }; video này là video { $actual ->
        [portrait] dọc
        [landscape] ngang
       *[square] vuông
    }.
spec-fps-too-low = Tốc độ { $actual } khung hình/giây thấp hơn mức tối thiểu { $limit } khung hình/giây.
spec-fps-too-high = Tốc độ { $actual } khung hình/giây vượt mức tối đa { $limit } khung hình/giây.
spec-fps-variable = Nền tảng yêu cầu tốc độ khung hình cố định; video này có tốc độ thay đổi (trung bình { $actual } khung hình/giây).
spec-file-too-large = Tệp nặng { $actual_mb } MB; nền tảng chỉ nhận tối đa { $limit_mb } MB.
spec-moov-not-at-front = Nền tảng yêu cầu chỉ mục MP4 (moov) nằm ở đầu tệp ("faststart"), nhưng tệp này không như vậy.

## Clip
nav-clips = Clip
clips-upload = Tải clip lên
clips-new-version = Tải lên phiên bản mới
clips-empty = Chưa có clip nào.
clips-title = Tiêu đề
clips-category = Chủ đề
clips-caption = Chú thích
clips-check = Kiểm tra
clips-updated = Cập nhật
version-status-none = chưa có tệp
version-status-processing = đang kiểm tra
version-status-ready = đã kiểm tra
version-status-invalid = tệp không hợp lệ
version-status-failed = kiểm tra thất bại
category-leadership_message = Thông điệp của lãnh đạo
category-official_event = Sự kiện quan trọng của Đảng, Nhà nước, địa phương
category-current_affairs = Sự kiện chính trị, kinh tế, văn hóa, xã hội
category-good_deeds = Gương người tốt, việc tốt
category-other = Khác
invalid-category = Hãy chọn chủ đề của clip.
invalid-clip-title = Tiêu đề phải có từ 1 đến 200 ký tự.
invalid-caption = Chú thích tối đa 5000 ký tự và không chứa ký tự điều khiển.
upload-agency-required = Thiếu cơ quan nhận clip (agency_id).
upload-clip-invalid = Mã clip không hợp lệ.
upload-too-many-open = Bạn đang có quá nhiều lượt tải lên chưa xong. Hãy hoàn tất hoặc hủy bớt.
upload-offset-mismatch = Vị trí tiếp tục tải không khớp với dữ liệu máy chủ đã nhận.
check-not-failed = Chỉ kiểm tra lại được phiên bản có lần kiểm tra thất bại.
upload-file = Tệp video
upload-hint = Tải lên tiếp tục được khi mất mạng hoặc tải lại trang: chọn lại đúng tệp đó, Lantoa sẽ gửi tiếp phần còn lại.
upload-start = Bắt đầu tải lên
upload-pause = Tạm dừng
upload-resume = Tiếp tục
upload-too-large = Tệp vượt quá dung lượng tối đa cho phép.
upload-failed = Tải lên bị gián đoạn. Sẽ tự gửi tiếp khi kết nối được, hoặc bấm "Tiếp tục".
upload-offline = Mất kết nối mạng. Sẽ tự gửi tiếp khi có mạng trở lại.
upload-resumed = Tiếp tục lượt tải lên trước đó.
upload-done = Đã tải lên xong. Đang chuyển tới trang clip…
clip-political = Chính trị: cần người đứng đầu duyệt
clip-processing = Đang kiểm tra video
clip-retrying = Đang thử lại sau lỗi
clip-check-failed = Kiểm tra video thất bại
clip-recheck = Kiểm tra lại
clip-invalid = Tệp không dùng được
clip-invalid-hint = Tệp vẫn được giữ lại để bạn xem lỗi. Hãy tải lên một phiên bản mới.
clip-no-version = Clip chưa có tệp video.
clip-versions = Các phiên bản
clip-file = Tệp
clip-storyboard = Di chuột để xem nhanh, bấm để nhảy tới
clip-posters = Ảnh đại diện gợi ý
clip-poster = Ảnh đại diện
qc-title = Kết quả kiểm tra
qc-duration = Thời lượng
qc-resolution = Khung hình
qc-rotated = xoay
qc-frame-rate = Tốc độ khung hình
qc-vfr = không cố định
qc-video = Video
qc-audio = Âm thanh
qc-no-audio = không có âm thanh
qc-container = Định dạng
qc-faststart = chỉ mục ở đầu tệp
qc-not-faststart = chỉ mục ở cuối tệp
qc-size = Dung lượng
qc-loudness = Độ lớn âm thanh (EBU R128)
qc-integrated = Tích hợp
qc-true-peak = đỉnh thực
qc-stretches = Đoạn đen, đứng hình, im lặng
qc-no-stretches = Không phát hiện đoạn đen, đứng hình hay im lặng.
qc-black = màn hình đen
qc-frozen = đứng hình
qc-silent = im lặng
qc-notes = Lưu ý
qc-platforms = Đáp ứng yêu cầu nền tảng
qc-compliant = Đạt
clip-renditions = Bản dựng cho nền tảng (chỉ tạo khi nền tảng không nhận bản gốc)
clip-rendition-loudness = Âm lượng đã chuẩn hóa (−14 LUFS, −1 dBTP; giữ nguyên hình)
clip-delete-version = Xóa phiên bản này
version-not-deletable = Chỉ xóa được phiên bản có tệp không hợp lệ hoặc kiểm tra thất bại.
invalid-clip-filter = Bộ lọc danh sách clip không hợp lệ.
clips-search = Tìm
clips-search-placeholder = Tiêu đề, chú thích, hashtag, góp ý — có dấu hay không dấu
clips-any-state = Mọi trạng thái
clips-any-category = Mọi chủ đề
clips-any-author = Mọi tác giả
clips-any-platform = Mọi nền tảng
clips-any-political = Chính trị hay không
clips-political-yes = Chỉ clip chính trị
clips-political-no = Không chính trị
clips-sort-updated = Mới sửa trước
clips-sort-created = Mới tạo trước
clips-sort-title = Theo tiêu đề
clips-state = Trạng thái
clips-author = Tác giả
clips-found = { $n } clip
clips-prev = ← Trước
clips-next = Sau →
clips-none-found = Không có clip nào khớp.
clips-filters = Bộ lọc và sắp xếp
clips-platform = Nền tảng
clips-political = Chính trị
clips-from = Sửa từ ngày
clips-to = Đến ngày
clips-sort = Sắp xếp
clips-clear = Bỏ mọi bộ lọc
clips-political-tag = chính trị
clips-pages = Các trang kết quả
overview-political-waiting = Clip chính trị chờ duyệt
overview-waiting = Tất cả chờ duyệt
overview-open-incidents = Sự cố đang mở
overview-posts-week = Bài đăng 7 ngày
overview-clips = { $n } clip
home-to-sign = Chờ bạn ký duyệt
home-to-review = Chờ biên tập
home-mine = Việc của bạn
home-going-out = Đã duyệt, sắp đăng
home-results = Đã đăng trong 7 ngày
home-waiting = chờ { $age }
home-changed = sửa { $age } trước
home-all = Xem tất cả ({ $n })
home-clear = Không có việc nào đang chờ bạn.
home-agency = Cơ quan
age-minutes = { $n } phút
age-hours = { $n } giờ
age-days = { $n } ngày
nav-menu = Menu
nav-calendar = Lịch đăng
nav-province-calendar = Lịch đăng toàn tỉnh
calendar-periods = Chọn kỳ
calendar-prev = Trước
calendar-next = Sau
calendar-week = Tuần
calendar-month-view = Tháng
calendar-month = Tháng { $month }/{ $year }
calendar-summary = { $posts } lượt đăng · { $gaps } ngày trống
calendar-gap = Trống
calendar-drag-hint = Kéo một clip đã hẹn giờ sang ngày khác để đổi giờ đăng, trong khung giờ đã được duyệt (những ngày được phép sáng lên khi kéo). Ngoài khung giờ cần ký duyệt lại.
calendar-feed = Lịch của bạn
calendar-feed-hint = Thêm địa chỉ này vào lịch riêng (Google Lịch, Outlook, Lịch trên điện thoại) để thấy các clip sắp đăng của cơ quan. Địa chỉ chỉ dành cho bạn; đừng chia sẻ.
calendar-feed-download = Tải tệp .ics
weekday-1 = T2
weekday-2 = T3
weekday-3 = T4
weekday-4 = T5
weekday-5 = T6
weekday-6 = T7
weekday-7 = CN
upload-submit-after = Gửi duyệt ngay khi tải lên xong
length-to-15s = ≤ 15 giây
length-15-30s = 15–30 giây
length-30-60s = 30–60 giây
length-60-90s = 60–90 giây
length-90s-3min = 90 giây–3 phút
length-over-3min = > 3 phút
upload-back-online = Đã có mạng trở lại, đang gửi tiếp…
clip-check-next = Đang chờ đến lượt kiểm tra: clip này là clip kế tiếp.
clip-check-ahead = Đang chờ đến lượt kiểm tra: còn { $n } clip phía trước.
