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
overview-audit-7d = Thay đổi trong 7 ngày

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
