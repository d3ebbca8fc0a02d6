## The province scorecard

nav-scorecard = Bảng đánh giá
score-title = Bảng đánh giá các cơ quan
score-hint = Mỗi cơ quan trong tháng so với trung vị toàn tỉnh: số clip đã đăng, thời gian từ tải lên đến khi đăng, độ dài đúng quy định nền tảng, clip do người đứng đầu (hoặc K/T) duyệt, đính chính và sự cố, độ phủ chiến dịch, tiếp cận, tỷ lệ xem hết và phản hồi khảo sát.
score-month = Tháng
score-show = Xem
score-print = In báo cáo tháng
score-heading-month = Trong tháng
score-trend = Số clip đã đăng qua các tháng
score-median = Trung vị toàn tỉnh
score-marks-hint = Màu xanh: tốt hơn trung vị toàn tỉnh; màu đỏ: kém hơn (với thời gian, đính chính và sự cố, thấp hơn là tốt hơn).
score-published = Clip đã đăng
score-median-hours = Tải lên → đăng (giờ, trung vị)
score-within-length = Đúng độ dài nền tảng
score-head-signed = Người đứng đầu (hoặc K/T) duyệt
score-corrections = Đính chính
score-incidents = Sự cố
score-campaigns = Độ phủ chiến dịch
score-reach = Tiếp cận
score-completion = Xem hết (trung vị)
score-surveys = Phản hồi khảo sát
