## Sharing across the network

nav-library = Kho clip chung
nav-body-sharing = Chia sẻ trong tỉnh

library-hint = Clip đã duyệt mà các cơ quan khác trong tỉnh chia sẻ. Lấy về thành clip của cơ quan mình: vẫn qua biên tập và lãnh đạo cơ quan mình duyệt trước khi đăng lên kênh của mình.
library-search-placeholder = Tìm theo tiêu đề, chú thích, hashtag (gõ có dấu hay không dấu đều được)
library-filters = Bộ lọc
library-campaign = Chiến dịch
library-any-campaign = Mọi chiến dịch
library-source = Cơ quan chia sẻ
library-any-source = Mọi cơ quan
library-empty = Chưa có clip nào được chia sẻ với cơ quan bạn.
library-taken = Đã lấy về
library-mine = Của cơ quan bạn
library-recommended = Cơ quan chỉ đạo giới thiệu
library-offer-withdrawn = Cơ quan nguồn đã thu hồi lời chia sẻ này: không lấy về được nữa. Clip đã lấy về trước đó vẫn giữ nguyên.
library-offer-ended = Lời chia sẻ này đã hết hạn: không lấy về được nữa.
library-terms = Điều kiện sử dụng
library-recommendation = Lời giới thiệu
library-taken-before = Cơ quan bạn đã lấy clip này về.
library-open-copy = Mở bản của cơ quan mình
library-take = Lấy về
library-take-hint = Tạo một bản nháp của cơ quan bạn với cùng video (không sao chép tệp) và dòng ghi nguồn ở mọi chú thích. Bản này phải được biên tập và lãnh đạo cơ quan bạn duyệt trước khi đăng.
library-own = Clip của cơ quan bạn.

share-terms-credit = Ghi nguồn: “{ $credit }”
share-terms-adapt = được sửa chú thích (giữ dòng ghi nguồn)
share-terms-locked = giữ nguyên chú thích
share-terms-cut = được cắt ngắn
share-terms-no-cut = không được cắt
share-terms-until = lấy về đến hết ngày { $day }

share-heading = Chia sẻ trong tỉnh
share-source-down = { $from } đã gỡ bỏ bản gốc của clip này.
share-source-down-hint = Bản của cơ quan bạn không thể được ký duyệt hay đăng nữa. Lãnh đạo cơ quan (hoặc người được giao) gỡ các bài đã đăng.
share-takedown-reason = Gỡ theo cơ quan nguồn { $from }
share-take-down-ours = Gỡ bản của cơ quan mình khỏi mọi kênh
share-source-corrected = { $from } đã đăng bản đính chính của clip này.
share-take-correction = Lấy bản đính chính về để duyệt lại
share-taken-from = Lấy về từ { $from }.
share-copy-adapt-hint = Được sửa chú thích, nhưng mọi chú thích phải giữ dòng ghi nguồn.
share-copy-locked-hint = Chú thích giữ nguyên theo cơ quan nguồn.
share-placed-by-body = Cơ quan chỉ đạo đã đưa clip này vào kho chung cho:
share-offered = Đang chia sẻ với:
share-withdraw = Thu hồi lời chia sẻ
share-withdraw-confirm = Thu hồi lời chia sẻ? Các cơ quan đã lấy về vẫn giữ bản của mình.
share-offer = Chia sẻ cho các cơ quan trong tỉnh
share-credit = Dòng ghi nguồn bắt buộc
share-may-adapt = Cho phép sửa chú thích (vẫn phải giữ dòng ghi nguồn)
share-may-cut = Cho phép cắt ngắn (tải lên bản cắt của mình)
share-ends-on = Lấy về đến hết ngày (để trống: đến khi thu hồi)
share-to = Chia sẻ với
share-to-all = mọi cơ quan trong tỉnh
share-to-chosen = các cơ quan được chọn:
share-offer-hint = Các biên tập viên và lãnh đạo cơ quan nhận được báo ngay. Khi clip bị gỡ hay đính chính, các cơ quan đã lấy về được báo ngay.
share-spread = Lan tỏa
share-spread-summary = { $n } cơ quan đã lấy về
share-spread-posted = { $n } cơ quan đã đăng
share-spread-reach = tiếp cận { $n }
share-open-post = xem bài

sharing-hint = Các clip các cơ quan chia sẻ cho nhau: ai đã lấy về, đã đăng trên kênh nào, tiếp cận bao nhiêu, và việc gỡ bỏ theo cơ quan nguồn.
sharing-place = Đưa clip vào kho chung
sharing-nothing-to-place = Chưa có clip đã duyệt nào của các cơ quan để đưa vào kho chung.
sharing-pick-clip = Clip (đã duyệt hoặc đã đăng)
sharing-credit-default = để trống: ghi nguồn theo tên cơ quan
sharing-by-campaign = Theo chiến dịch
sharing-clips = Clip chia sẻ
sharing-agencies = Cơ quan lấy về
sharing-posts = Bài đăng
sharing-reach = Tiếp cận
sharing-offers = Clip được chia sẻ
sharing-none = Chưa có clip nào được chia sẻ.
sharing-clip = Clip
sharing-took = Lấy về
sharing-posted = Đã đăng
sharing-withdrawn = Đã thu hồi
sharing-not-taken = Chưa cơ quan nào lấy về.

settings-follow-source-takedowns = Tự gỡ bản đã lấy về khi cơ quan nguồn gỡ bỏ
settings-follow-source-takedowns-hint = Nếu không chọn, lãnh đạo và biên tập viên được báo ngay và gỡ bằng một nút.

share-credit-invalid = Dòng ghi nguồn cần từ 3 đến 200 ký tự, trên một dòng.
share-ends-past = Ngày hết hạn phải sau hôm nay.
share-ends-invalid = Ngày hết hạn không hợp lệ.
share-caption-locked = Cơ quan nguồn không cho sửa chú thích của clip này.
share-credit-missing = Mọi chú thích phải giữ dòng ghi nguồn của cơ quan nguồn.
share-recommendation-invalid = Lời giới thiệu dài quá 2000 ký tự.
share-not-approved = Chỉ chia sẻ được clip đã duyệt, đã hẹn giờ hoặc đã đăng.
share-not-own = Clip lấy từ cơ quan khác không chia sẻ tiếp được.
share-already-offered = Clip này đang được chia sẻ.
share-agencies-invalid = Chọn ít nhất một cơ quan khác trong tỉnh.
share-withdrawn = Lời chia sẻ này đã bị thu hồi.
share-own-clip = Đây là clip của cơ quan bạn.
share-ended = Lời chia sẻ này đã hết hạn.
share-no-correction = Cơ quan nguồn không có bản đính chính mới.
share-cut-not-allowed = Cơ quan nguồn không cho cắt clip này: không tải được phiên bản khác.
share-source-taken-down = Cơ quan nguồn đã gỡ bỏ clip này: bản của cơ quan bạn không ký duyệt hay đăng được nữa.
share-pick-clip = Chọn một clip.

done-take = Đã lấy về. Clip là bản nháp của cơ quan bạn: gửi duyệt khi sẵn sàng.
done-taken_before = Cơ quan bạn đã lấy clip này về trước đó: đây là bản đó.
done-offer = Đã chia sẻ. Các cơ quan được chia sẻ đã được báo.
done-withdraw_offer = Đã thu hồi lời chia sẻ.
done-take_correction = Đã lấy bản đính chính về. Clip cần được duyệt lại.
edit-source = Bản gốc lấy về

history-clip-offer = Chia sẻ cho các cơ quan trong tỉnh
history-clip-offer_withdraw = Thu hồi lời chia sẻ
history-clip-take = Lấy về từ kho clip chung
history-clip-taken = Được cơ quan khác lấy về
history-clip-take_correction = Lấy bản đính chính của cơ quan nguồn

notify-shared-offered = { $from } chia sẻ clip “{ $note }” vào kho clip chung.
notify-source-taken-down = KHẨN: { $from } đã gỡ bỏ bản gốc của clip “{ $clip }”: { $note }. Hãy gỡ bản của cơ quan mình.
notify-source-followed = KHẨN: { $from } đã gỡ bỏ bản gốc của clip “{ $clip }”: { $note }. Bản của cơ quan bạn đang được gỡ khỏi mọi kênh.
notify-source-corrected = { $from } đã đính chính clip “{ $clip }”: bản đính chính chờ cơ quan bạn lấy về và duyệt lại.

incident-event-shared_told = Đã báo ngay cho các cơ quan đã lấy về
incident-event-shared_followed = Các cơ quan tự gỡ theo
incident-event-shared_taken_down = Cơ quan đã gỡ bản lấy về

void-reason-source_taken_down = cơ quan nguồn đã gỡ bỏ clip

insights-sharing = Chia sẻ trong tỉnh
insights-shared-by-others = Clip của mình được cơ quan khác đăng lại
insights-shared-taken = Clip lấy về từ cơ quan khác
insights-shared-clips = Bản lấy về
insights-shared-agencies = Cơ quan
insights-sharing-hint = Clip của cơ quan được các cơ quan khác lấy về và đăng lại trên kênh của họ, và clip cơ quan lấy về từ kho clip chung: số bản, số cơ quan, số bài đăng trong kỳ và tiếp cận đo được.
library-no-preview = Clip này không có bản xem trước.
history-clip-source_down = Cơ quan nguồn gỡ bỏ bản gốc
history-clip-source_corrected = Cơ quan nguồn đăng bản đính chính
