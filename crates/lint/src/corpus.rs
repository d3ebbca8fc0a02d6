//! Correct Vietnamese texts in the old tone style, written to Decree 30's rules:
//! news leads about the provincial bodies, the Party committee, the National
//! Assembly and holidays, and short video captions. The lint must find nothing in
//! them but watch-list terms; the tests and `lantoa bench lint` count anything
//! else as a false positive.

pub const CORRECT: &[&str] = &[
    "Chiều 15-3, Ủy ban nhân dân tỉnh tổ chức hội nghị đánh giá tình hình kinh tế – xã hội quý I năm 2025. \
Chủ tịch Ủy ban nhân dân tỉnh Nguyễn Văn Hòa chủ trì hội nghị. Theo báo cáo của Sở Tài chính, tổng thu \
ngân sách nhà nước trên địa bàn đạt 2.350 tỷ đồng, tăng 12,5% so với cùng kỳ. Tốc độ tăng trưởng kinh tế \
ước đạt 7,2%; giải ngân vốn đầu tư công đạt 28% kế hoạch. Phát biểu kết luận, Chủ tịch Ủy ban nhân dân \
tỉnh yêu cầu các sở, ngành và địa phương tập trung tháo gỡ khó khăn cho doanh nghiệp, đẩy nhanh tiến độ \
các công trình trọng điểm, bảo đảm an sinh xã hội và chăm lo đời sống Nhân dân.",
    "Sáng 20-5, Ban Thường vụ Tỉnh ủy tổ chức hội nghị quán triệt, triển khai các nghị quyết của Hội nghị \
Trung ương lần thứ mười một khóa XIII. Đồng chí Bí thư Tỉnh ủy chủ trì và phát biểu chỉ đạo hội nghị. \
Dự hội nghị có các đồng chí Phó Bí thư Tỉnh ủy, Chủ tịch Hội đồng nhân dân tỉnh; Trưởng Ban Tuyên giáo \
và Dân vận Tỉnh ủy cùng lãnh đạo các ban, sở, ngành, đoàn thể của tỉnh. Bí thư Tỉnh ủy đề nghị cấp ủy, \
chính quyền các cấp tiếp tục đổi mới công tác tuyên truyền, tạo sự đồng thuận cao trong cán bộ, đảng \
viên và Nhân dân.",
    "Ngày 28-11, tiếp tục Kỳ họp thứ 10, Quốc hội khóa XV biểu quyết thông qua Luật Báo chí (sửa đổi) với \
440 đại biểu tán thành. Trước đó, Chủ tịch Quốc hội đã điều hành phiên thảo luận tại hội trường. Nhiều \
đại biểu Quốc hội nhấn mạnh yêu cầu phát triển báo chí chuyên nghiệp, nhân văn, hiện đại; đồng thời đề \
nghị Chính phủ sớm ban hành văn bản hướng dẫn để luật đi vào cuộc sống. Đoàn đại biểu Quốc hội tỉnh đã \
tổ chức lấy ý kiến cử tri về dự án luật từ tháng 8.",
    "Nhân dịp kỷ niệm 80 năm Cách mạng tháng Tám thành công và ngày Quốc khánh 2-9, Thường trực Tỉnh ủy, \
Hội đồng nhân dân tỉnh, Ủy ban nhân dân tỉnh và Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh đã đến dâng hoa, \
báo công tại Khu di tích. Các hoạt động văn hóa, thể thao diễn ra sôi nổi khắp các xã, phường: hội diễn \
văn nghệ quần chúng, giải bóng chuyền, triển lãm ảnh “Tự hào Việt Nam”. Sở Văn hóa, Thể thao và Du lịch \
cho biết trong 4 ngày nghỉ lễ, các điểm du lịch của tỉnh đón hơn 120.000 lượt khách.",
    "Để Nhân dân đón tết Nguyên đán Ất Tỵ 2025 vui tươi, an toàn, tiết kiệm, Ủy ban nhân dân tỉnh ban hành \
kế hoạch bảo đảm hàng hóa thiết yếu, bình ổn giá cả thị trường. Sở Công Thương phối hợp với các doanh \
nghiệp dự trữ hàng hóa trị giá khoảng 1.500 tỷ đồng. Ngành y tế bố trí trực cấp cứu 24/24 giờ; lực lượng \
công an tăng cường tuần tra, kiểm soát, xử lý nghiêm các trường hợp vi phạm nồng độ cồn. Dịp này, tỉnh \
tặng gần 30.000 suất quà cho hộ nghèo, gia đình chính sách và người có công với cách mạng.",
    "Nhân kỷ niệm 100 năm Ngày Báo chí cách mạng Việt Nam (21-6-1925 – 21-6-2025), Hội Nhà báo tỉnh tổ chức \
trao giải báo chí lần thứ XV. Ban tổ chức nhận được 215 tác phẩm của 30 cơ quan báo chí, trong đó có nhiều \
phóng sự truyền hình và video ngắn phát trên nền tảng số. Phát biểu tại lễ trao giải, Phó Chủ tịch Ủy ban \
nhân dân tỉnh ghi nhận đóng góp của đội ngũ người làm báo trong việc tuyên truyền chủ trương của Đảng, \
chính sách, pháp luật của Nhà nước, phản ánh tâm tư, nguyện vọng chính đáng của Nhân dân.",
    "Chiều 10-4, tại Phủ Chủ tịch, Chủ tịch nước đã tiếp Đại sứ Nhật Bản tại Việt Nam đến chào từ biệt nhân \
dịp kết thúc nhiệm kỳ công tác. Chủ tịch nước đánh giá cao những đóng góp của Đại sứ đối với quan hệ Đối \
tác chiến lược toàn diện Việt Nam – Nhật Bản. Hai bên nhất trí tiếp tục phối hợp chặt chẽ tại các diễn \
đàn đa phương, trong đó có Liên hợp quốc và ASEAN, cùng duy trì hòa bình, ổn định, an ninh, an toàn và tự \
do hàng hải ở biển Đông trên cơ sở luật pháp quốc tế.",
    "Thủ tướng Chính phủ vừa ký quyết định phê duyệt quy hoạch tỉnh thời kỳ 2021 – 2030, tầm nhìn đến năm \
2050. Theo quyết định, tỉnh phấn đấu đến năm 2030 trở thành tỉnh công nghiệp theo hướng hiện đại, là \
trung tâm logistics của vùng. Quy hoạch xác định ba đột phá chiến lược: hoàn thiện hệ thống kết cấu hạ \
tầng, nhất là giao thông; phát triển nguồn nhân lực chất lượng cao; đẩy mạnh chuyển đổi số, xây dựng \
chính quyền số và xã hội số.",
    "Nhân dịp kỷ niệm 80 năm Ngày thành lập Quân đội nhân dân Việt Nam, Bộ Chỉ huy Quân sự tỉnh tổ chức gặp \
mặt các Bà mẹ Việt Nam Anh hùng, Anh hùng Lực lượng vũ trang nhân dân và cựu chiến binh tiêu biểu. Đại tá \
Trần Văn Thủy, Chỉ huy trưởng Bộ Chỉ huy Quân sự tỉnh, bày tỏ lòng biết ơn sâu sắc đối với những hy sinh, \
cống hiến của các thế hệ cha anh vì độc lập, tự do của Tổ quốc.",
    "Tòa án nhân dân tỉnh mở phiên tòa sơ thẩm xét xử vụ án vi phạm quy định về quản lý đất đai gây thiệt \
hại cho tài sản nhà nước hơn 15 tỷ đồng. Hội đồng xét xử tuyên phạt bị cáo chính 6 năm tù. Tại phiên tòa, \
bị cáo thành khẩn khai báo; hiện sức khỏe bị cáo ổn định.",
    "Người dân xã Tân Lập phấn khởi khi cây cầu mới được khánh thành, rút ngắn quãng đường đến trung tâm xã \
từ 12 km xuống còn 3 km. Video: Minh Hòa.",
    "Sáng nay, hơn 2.000 đoàn viên, thanh niên ra quân hưởng ứng Chiến dịch Thanh niên tình nguyện hè năm \
2025. Ảnh: Thu Thủy.",
    "Mưa lớn kéo dài khiến nhiều tuyến đường ở thành phố ngập sâu 0,5 m, có nơi tới 1 m. Lực lượng chức năng \
đã hỗ trợ người dân di dời tài sản đến nơi an toàn...",
    "Đội tuyển bóng đá nữ của tỉnh giành Huy chương Vàng tại Đại hội Thể thao toàn quốc lần thứ X. Trận chung \
kết diễn ra lúc 19:30 tối 12-12 trên sân vận động tỉnh, thu hút hàng nghìn khán giả. Huấn luyện viên \
trưởng cho biết các cầu thủ đã tập luyện ngày ngày, kể cả dịp nghỉ lễ. Xem thêm tại baotinh.vn/the-thao.",
    "Theo Sở Y tế, từ đầu năm đến nay toàn tỉnh ghi nhận 1.245 ca sốt xuất huyết, giảm 30% so với cùng kỳ \
năm trước; không có ca tử vong. Người dân cần chủ động diệt lăng quăng, bọ gậy, ngủ màn kể cả ban ngày và \
đến cơ sở y tế khi có dấu hiệu sốt cao liên tục. Mọi thắc mắc xin liên hệ đường dây nóng 1900 9095 hoặc \
email soyte@tinh.gov.vn.",
    "Thực hiện Nghị quyết số 57-NQ/TW của Bộ Chính trị về đột phá phát triển khoa học, công nghệ, đổi mới \
sáng tạo và chuyển đổi số quốc gia, Sở Khoa học và Công nghệ đã phối hợp với các xã, phường hướng dẫn \
người dân sử dụng dịch vụ công trực tuyến. Đến nay, 95% hồ sơ thủ tục hành chính của tỉnh được tiếp nhận \
qua mạng; tỷ lệ hài lòng của người dân đạt 98,2%.",
    "🔴 TRỰC TIẾP: Lễ khai mạc Đại hội đại biểu Đảng bộ tỉnh lần thứ XX, nhiệm kỳ 2025 – 2030 👉 Xem thêm tại \
baotinh.vn #baotinh #daihoidang",
    "Sáng 3-10, UBND tỉnh phối hợp với HĐND tỉnh tổ chức phiên chất vấn. Ông Lê Văn Tùng, Giám đốc Sở Xây \
dựng, trả lời về tiến độ dự án đường cao tốc. “Chúng tôi sẽ hoàn thành trước ngày 30-6-2026”, ông Tùng khẳng \
định. Theo PGS.TS Nguyễn Văn An, Trường Đại học Kinh tế Quốc dân, lạm phát năm nay ở mức 3,5 - 4%.",
    "Đội U.23 Việt Nam thắng Thái Lan 2-1 tại SEA Games 33. Giá xăng RON 95-III giảm 320 đồng/lít từ 15h \
ngày 12/9. Thời tiết: Hôm nay trời nắng, nhiệt độ 32-35°C; chiều tối có mưa rào và dông rải rác.",
    "Bà Nguyễn Thị Thủy, 65 tuổi, cho biết: \"Tôi rất vui mừng khi con đường được làm mới.\" 📍 Địa chỉ: Số \
12, đường Trần Hưng Đạo, phường Hòa Bình. ☎️ Đường dây nóng: 0208.3855.123",
    "Ông nói: “Tôi không biết gì hết…”. Sau đó ông im lặng. Tỉnh có 3 thành phố, 6 huyện; 72 xã, phường, \
thị trấn (trước khi sắp xếp).",
    "Chính phủ các nước G7 cam kết hỗ trợ. Cơ quan nhà nước có thẩm quyền đã vào cuộc. Ông là đảng viên có \
40 năm tuổi Đảng. Công an nhân dân tỉnh triệt phá đường dây đánh bạc qua mạng; lực lượng công an tỉnh đã \
bắt giữ 12 đối tượng. Tại Đắk Lắk, bà con dân tộc Ê Đê đón Tết cổ truyền; ở Ea H'leo, mưa lớn gây sạt lở.",
    "Bộ trưởng Bộ Y tế làm việc với Sở Y tế tỉnh. Trong quá trình thực hiện, cơ sở y tế tuyến xã còn thiếu \
bác sĩ; các cơ sở giáo dục chủ động phòng dịch. Ngày 30-4-1975, miền Nam hoàn toàn giải phóng, đất nước \
thống nhất.",
    "Sáng 5-6, đoàn công tác của Tỉnh đoàn và Huyện ủy Đại Từ đến làm việc tại xã Tân Linh, huyện Đại Từ, \
tỉnh Thái Nguyên. Dịp này, đoàn trao 50 suất học bổng cho học sinh vượt khó. Trước đó, đoàn đã tham quan mô \
hình chuyển đổi số tại Quận 1, Thành phố Hồ Chí Minh và làm việc với Thành đoàn Thủ đô Hà Nội. Theo UBND \
tỉnh, năm 2025 toàn tỉnh có thêm 12 xã, thị trấn đạt chuẩn nông thôn mới nâng cao.",
    "Huyện Phú Lương ra quân dọn vệ sinh sau bão; người dân Phường Lê Lợi và thị xã Phổ Yên cùng tham gia. \
Ảnh: Tỉnh đoàn.",
];
