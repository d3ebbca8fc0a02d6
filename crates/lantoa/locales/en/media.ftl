## Media: compliance report levels and platform renditions
# advice-…: the same finding as spec-…, for what a platform only recommends (the
# platform still takes the file; no rendition is made for it).
advice-container = The platform recommends { $allowed }; this file is { $actual }.
advice-video-codec = The platform recommends the { $allowed } video codecs; this video uses { $actual }.
advice-pixel-format = The platform recommends the { $allowed } pixel formats; this video uses { $actual }.
advice-audio-codec = The platform recommends the { $allowed } audio codecs; this video uses { $actual }.
advice-audio-sample-rate = The platform recommends an audio sample rate of { $allowed } Hz; this video uses { $actual } Hz.
advice-audio-bit-rate-too-low = The audio bit rate is { $actual_kbps } kb/s; the platform recommends { $limit_kbps } kb/s or more.
advice-audio-channels = The audio has { $actual } channel(s); the platform recommends at least { $limit }.
advice-duration-too-short = The video is { $actual } seconds long; the platform recommends at least { $limit } seconds.
advice-duration-too-long = The video is { $actual } seconds long; the platform recommends at most { $limit } seconds.
advice-resolution-too-low = The resolution { $width }×{ $height } is below the { $min_width }×{ $min_height } the platform recommends.
advice-side-too-small = The short side of the frame is { $actual } pixels; the platform recommends { $limit } pixels or more.
advice-side-too-large = The long side of the frame is { $actual } pixels; the platform recommends at most { $limit } pixels.
advice-aspect = The platform recommends a { $required } aspect ratio; this video is { $actual }.
advice-orientation = The platform recommends { $allowed ->
        [portrait] vertical
        [landscape] horizontal
        [square] square
        [portrait-landscape] vertical or horizontal
        [portrait-square] vertical or square
        [landscape-square] horizontal or square
       *[other] specific shapes of
    } videos; this video is { $actual ->
        [portrait] vertical
        [landscape] horizontal
       *[square] square
    }.
advice-fps-too-low = The frame rate of { $actual } fps is below the { $limit } fps the platform recommends.
advice-fps-too-high = The frame rate of { $actual } fps is above the { $limit } fps the platform recommends.
advice-fps-variable = The platform recommends a constant frame rate; this video's varies (average { $actual } fps).
advice-file-too-large = The file is { $actual_mb } MB; the platform recommends at most { $limit_mb } MB.
advice-moov-not-at-front = The platform recommends the MP4 index (moov) at the start of the file ("faststart"); this file does not have it there.
qc-accepted = Accepted
qc-refused = Refused
qc-advice = The platform's recommendations (optional; no rendition is made for these):
qc-refused-fixed = A copy this platform accepts was made (see the platform renditions).
qc-refused-blocking = No rendition can fix this: correct the original and upload a new version.
rendition-remux = MP4, repackaged (picture and sound copied, not re-encoded)
rendition-encoded = { $shape ->
        [portrait] Vertical 9:16
        [square] Square 1:1
       *[landscape] Horizontal 16:9
    } copy in H.264/AAC
rendition-reshaped = { $shape ->
        [portrait] Vertical 9:16
        [square] Square 1:1
       *[landscape] Horizontal 16:9
    } copy in H.264/AAC, blurred fill
rendition-reencoded = Copy re-encoded in H.264/AAC, same { $shape ->
        [portrait] vertical 9:16
        [square] square 1:1
       *[landscape] horizontal 16:9
    } frame
rendition-purpose = { $kind } — made for { $platforms }: corrects the { $fixes }
rendition-fix-shape = frame shape
rendition-fix-frame-size = frame size
rendition-fix-video-codec = video codec
rendition-fix-pixel-format = pixel format
rendition-fix-frame-rate = frame rate
rendition-fix-audio = audio format
rendition-fix-container = file format
rendition-fix-index = MP4 index (moved to the start)
