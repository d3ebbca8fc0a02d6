# Lantoa interface — English

footer-tagline = Fast, short, wide — and no errors
save = Save
continue = Continue

## Navigation
nav-label = Main navigation
nav-dashboard = Dashboard
nav-members = Members
nav-audit = Audit trail
nav-overview = Agencies overview
nav-agencies = Agencies
nav-system-audit = System audit trail
nav-switch-agency = Switch agency
nav-profile = Profile
nav-logout = Sign out

## Sign in
login-title = Sign in
login-intro = The short-video desk of your newsroom.
login-username = Username
login-password = Password
login-submit = Sign in
login-failed = Wrong username or password.

## Dashboard
dashboard-members = Members
dashboard-active = { $count } active
dashboard-audit-today = Changes today
dashboard-audit-week = { $count } changes in 7 days
dashboard-by-role = Members by role
dashboard-count = People
dashboard-read-only = read-only view
overview-intro = The agencies you oversee, counted live from the system.
overview-empty = No agencies yet.
overview-agency = Agency

## Roles
role-reporter = Reporter
role-editor = Editor
role-head = Head of agency
role-deputy = Deputy
role-analyst = Channel manager / analyst
role-agency_admin = Agency admin
role-overseer = Overseer

## Members
members-username = Username
members-username-hint = 3–40 characters: letters without accents, digits, dot, underscore, hyphen.
members-name = Full name
members-roles = Roles
members-roles-hint = Untick every role to remove this person from the agency.
members-signing-roles-hint = The Head and Deputy roles (who sign clips) are given or removed by the system administrator.
members-signing-roles-by-sysadmin = Only the system administrator may give or remove the Head and Deputy roles.
members-status = Status
members-active = Active
members-disabled = Disabled
members-must-change = Must change password
members-add = Add a member
members-create = Create account
members-temp-password = Temporary password (optional)
members-temp-password-hint = Leave empty to let Lantoa generate one. The user must change it at first sign-in.
members-history = This account's change history
members-account = Account
members-reset-password = Issue a new temporary password
members-reset-hint = A new password signs this person out everywhere and revokes their API tokens.
members-disable = Disable account
members-enable = Enable account
temp-password-title = Temporary password
temp-password-for = Temporary password for { $username }:
temp-password-once = It is shown only once. Hand it to the user in person; they must change it at first sign-in.

## Audit trail
audit-user = User
audit-object-type = Object type
audit-object-id = Object id
audit-from = From
audit-to = To
audit-filter = Filter
audit-empty = No entries match the filter.
audit-time = Time
audit-action = Action
audit-object = Object
audit-summary = Before / after
audit-address = Address
audit-older = Older

## Profile
profile-must-change = Your account has a temporary password. Set a new password to continue.
profile-password-changed = Password changed. Your other sessions have been signed out.
profile-language = Interface language
profile-password = Change password
profile-current-password = Current password
profile-new-password = New password (at least 10 characters)
profile-confirm-password = Repeat the new password
profile-change-password = Change password
profile-tokens = API access tokens
profile-tokens-hint = For software and scripts: send the header "Authorization: Bearer <token>". A token carries your permissions; revoke it when no longer needed.
profile-token-name = Token name
profile-token-prefix = Starts with
profile-token-created-at = Created
profile-token-last-used = Last used
profile-token-revoke = Revoke
profile-token-revoked = Revoked
profile-token-create = Create token
profile-token-created = New token — copy it now, it is shown only once:

## System administration
admin-name = Name
admin-slug = Short name
admin-body = Overseeing body
admin-is-body = (overseeing body)
admin-time-zone = Time zone
admin-add-agency = Add an agency
admin-add-body = Add an overseeing body
admin-create = Create

## Invalid input
invalid-username = A username is 3–40 characters: letters without accents, digits, dot, underscore, hyphen.
invalid-display-name = A full name has 1 to 100 characters.
invalid-password = A password has at least 10 characters.
invalid-locale = The language must be "vi" or "en".
invalid-role = One of the roles does not exist.
roles-required = Choose at least one role.
invalid-slug = A short name is 2–40 characters: lower-case letters without accents, digits and hyphens.
invalid-org-name = An agency name has 2 to 200 characters.
invalid-time-zone = Unknown time zone (e.g. Asia/Ho_Chi_Minh).
invalid-parent = Choose the overseeing body.
invalid-token-name = A token name has 1 to 80 characters.
password-mismatch = The two new passwords do not match.
password-unchanged = The new password must differ from the current one.
current-password-wrong = The current password is wrong.
profile-password-throttled = Too many wrong passwords. Please try again in { $minutes } minutes.
username-taken = This username is already taken.
slug-taken = This short name is already taken.
conflict-exists = A record with the same value already exists.
cannot-change-self = You cannot do this to your own account.
last-agency-admin = An agency must keep at least one active agency admin.

## Errors
error-title-403 = Access denied
error-title-404 = Page not found
error-title-500 = Something went wrong
error-title-other = The request could not be completed
error-go-home = Go to the home page
error-unauthenticated = You need to sign in.
error-forbidden = Your role does not allow this in this agency.
error-not-found = What you asked for was not found.
error-malformed = The request is malformed.
error-malformed-field = The field "{ $field }" is invalid: { $detail }
error-method-not-allowed = This action is not supported at this address.
error-too-large = What was sent is too large.
error-throttled = Too many failed sign-in attempts. Please try again in { $minutes } minutes.
error-password-change-required = Change your temporary password before continuing.
error-csrf = The form has expired or did not come from Lantoa. Reload the page and try again.
error-unavailable = The database cannot be reached right now. Please try again in a few minutes.
error-gone = This is no longer available (expired or cancelled).
error-checksum-mismatch = The data received was corrupted (checksum mismatch). This part will be sent again.
error-unsupported-media-type = The content type sent is not supported.
error-precondition = A required protocol precondition is missing.
error-internal = An unexpected error occurred. It has been logged; please try again.

## Job queue
nav-jobs = Background jobs
jobs-all = All
jobs-empty = No jobs.
jobs-kind = Kind
jobs-state = State
jobs-attempts = Attempts
jobs-run-at = Runs at
jobs-error = Last error
jobs-retry = Retry
jobs-cancel = Cancel
job-not-retryable = Only a dead, failed or cancelled job can be retried.
job-not-cancellable = This job has finished and cannot be cancelled.
## Media
media-error-timeout = Processing the video took longer than { $secs } seconds and was stopped. Please try again later.
media-error-spawn = The video tools (ffmpeg) are not installed on the server. Please tell your system administrator.
media-error-failed = This video file could not be processed. The problem has been logged.
media-error-parse = The video tools returned output that could not be read. The problem has been logged.
media-error-io = The video file could not be read or written on the server. Please try again later.
media-unreadable = This file cannot be read: it may not be a video, or it may be damaged.
media-truncated = The video file is missing its end (the upload may not have finished). Please upload the whole file again.
media-not-video = This file contains no video picture.
media-unsupported-container = The { $container } file format is not supported. Accepted: { $allowed }.
media-unsupported-video-codec = The { $codec } video codec is not supported. Accepted: { $allowed }.
media-unsupported-audio-codec = The { $codec } audio codec is not supported. Accepted: { $allowed }.
media-duration-unknown = The length of the video cannot be determined.
media-too-short = The video is { $actual } seconds long, shorter than the minimum of { $limit } seconds.
media-too-long = The video is { $actual } seconds long, longer than the maximum of { $limit } seconds.
media-dimensions-absurd = The frame size { $width }×{ $height } is not valid: each side must be at least { $min } pixels.
media-dimensions-too-large = The frame size { $width }×{ $height } exceeds the maximum of { $max_width }×{ $max_height }.
media-fps-too-high = The frame rate of { $actual } fps exceeds the maximum of { $limit } fps.
media-file-too-large = The file is { $actual_mb } MB, over the maximum of { $limit_mb } MB.
media-decompression-bomb = The file is only { $size_mb } MB but declares { $frames } frames of { $width }×{ $height }. Decoding that much from so little could overload the server, so the file is refused.
media-note-no-audio = The video has no sound.
media-note-variable-frame-rate = The frame rate varies (average { $avg }, nominal { $base } fps). Some platforms may play picture and sound out of sync.
media-note-rotated = The video carries a { $degrees }° rotation flag: its frames are turned when played. Posters and the review copy are already upright.
media-note-moov-at-end = The MP4 index (moov) is at the end of the file, so on the web the video only plays once fully downloaded.
spec-container = The platform accepts only { $allowed }; this file is { $actual }.
spec-video-codec = The platform accepts only the { $allowed } video codecs; this video uses { $actual }.
spec-pixel-format = The platform requires the { $allowed } pixel format; this video uses { $actual }.
spec-audio-codec = The platform accepts only the { $allowed } audio codecs; this video uses { $actual }.
spec-audio-sample-rate = The platform requires an audio sample rate of { $allowed } Hz; this video uses { $actual } Hz.
spec-audio-bit-rate-too-low = The audio bit rate of { $actual_kbps } kb/s is below the minimum of { $limit_kbps } kb/s.
spec-audio-channels = The audio has { $actual } channel(s); the platform requires at least { $limit }.
spec-duration-too-short = The video is { $actual } seconds long; the platform requires at least { $limit } seconds.
spec-duration-too-long = The video is { $actual } seconds long; the platform accepts at most { $limit } seconds.
spec-resolution-too-low = The resolution { $width }×{ $height } is below the minimum of { $min_width }×{ $min_height }.
spec-side-too-small = The short side of the frame is { $actual } pixels, below the minimum of { $limit } pixels.
spec-side-too-large = The long side of the frame is { $actual } pixels, above the maximum of { $limit } pixels.
spec-aspect = The platform requires a { $required } aspect ratio; this video is { $actual }.
spec-orientation = The platform accepts only { $allowed ->
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
spec-fps-too-low = The frame rate of { $actual } fps is below the minimum of { $limit } fps.
spec-fps-too-high = The frame rate of { $actual } fps is above the maximum of { $limit } fps.
spec-fps-variable = The platform requires a constant frame rate; this video's varies (average { $actual } fps).
spec-file-too-large = The file is { $actual_mb } MB; the platform accepts at most { $limit_mb } MB.
spec-moov-not-at-front = The platform requires the MP4 index (moov) at the start of the file ("faststart"); this file does not have it there.

## Clips
nav-clips = Clips
clips-upload = Upload a clip
clips-new-version = Upload a new version
clips-empty = No clips yet.
clips-title = Title
clips-category = Topic
clips-caption = Caption
clips-check = Check
clips-updated = Updated
version-status-none = no file yet
version-status-processing = checking
version-status-ready = checked
version-status-invalid = invalid file
version-status-failed = check failed
category-leadership_message = Leadership message
category-official_event = Important event of the Party, State or local government
category-current_affairs = Political, economic, cultural or social event
category-good_deeds = Good people, good deeds
category-other = Other
invalid-category = Choose the clip's topic.
invalid-clip-title = A title has 1 to 200 characters.
invalid-caption = A caption has at most 5000 characters and no control characters.
upload-agency-required = The receiving agency (agency_id) is missing.
upload-clip-invalid = The clip id is not valid.
upload-too-many-open = You have too many unfinished uploads. Finish or cancel some first.
upload-offset-mismatch = The resume position does not match what the server has received.
check-not-failed = Only a version whose check failed can be checked again.
upload-file = Video file
upload-hint = Uploads continue after a lost connection or a page reload: choose the same file again and Lantoa sends the rest.
upload-start = Start upload
upload-pause = Pause
upload-resume = Resume
upload-too-large = The file is larger than the maximum allowed.
upload-failed = The upload was interrupted. It continues by itself once it can connect, or press "Resume".
upload-offline = The network connection is lost. The upload continues by itself when it is back.
upload-resumed = Resuming the earlier upload.
upload-done = Upload complete. Opening the clip…
clip-political = Political: needs the head's approval
clip-processing = Checking the video
clip-retrying = Retrying after an error
clip-check-failed = The video check failed
clip-recheck = Check again
clip-invalid = The file cannot be used
clip-invalid-hint = The file is kept so you can see what is wrong. Upload a new version.
clip-no-version = This clip has no video file yet.
clip-versions = Versions
clip-file = File
clip-storyboard = Hover to preview, click to jump
clip-posters = Suggested posters
clip-poster = Poster
qc-title = Check report
qc-duration = Duration
qc-resolution = Frame
qc-rotated = rotated
qc-frame-rate = Frame rate
qc-vfr = variable
qc-video = Video
qc-audio = Audio
qc-no-audio = no audio
qc-container = Format
qc-faststart = index at the front
qc-not-faststart = index at the end
qc-size = Size
qc-loudness = Loudness (EBU R128)
qc-integrated = Integrated
qc-true-peak = true peak
qc-stretches = Black, frozen and silent stretches
qc-no-stretches = No black, frozen or silent stretches found.
qc-black = black screen
qc-frozen = frozen picture
qc-silent = silence
qc-notes = Notes
qc-platforms = Platform requirements
qc-compliant = Meets them
clip-renditions = Platform renditions (made only where a platform refuses the original)
clip-rendition-loudness = Loudness corrected (−14 LUFS, −1 dBTP; picture untouched)
clip-delete-version = Delete this version
version-not-deletable = Only a version with an invalid file or a failed check can be deleted.
invalid-clip-filter = The clip list's filter is not valid.
clips-search = Search
clips-search-placeholder = Title, caption, hashtags, comments — with or without tone marks
clips-any-state = Any state
clips-any-category = Any topic
clips-any-author = Any author
clips-any-platform = Any platform
clips-any-political = Political or not
clips-political-yes = Political only
clips-political-no = Not political
clips-sort-updated = Recently changed
clips-sort-created = Newest
clips-sort-title = By title
clips-state = State
clips-author = Author
clips-found = { $n } clips
clips-prev = ← Previous
clips-next = Next →
clips-none-found = No clip matches.
clips-filters = Filters and sorting
clips-platform = Platform
clips-political = Political
clips-from = Changed from
clips-to = Until
clips-sort = Sort
clips-clear = Clear all filters
clips-political-tag = political
clips-pages = Result pages
overview-political-waiting = Political clips waiting
overview-waiting = All waiting
overview-open-incidents = Open incidents
overview-posts-week = Posts in 7 days
overview-clips = { $n ->
    [one] { $n } clip
   *[other] { $n } clips
}
home-to-sign = Waiting for your signature
home-to-review = Waiting for review
home-mine = Your work
home-going-out = Approved, going out
home-results = Published in the last 7 days
home-waiting = waiting { $age }
home-changed = changed { $age } ago
home-all = See all ({ $n })
home-clear = Nothing is waiting for you.
home-agency = Agency
age-minutes = { $n } min
age-hours = { $n } h
age-days = { $n } d
nav-menu = Menu
nav-calendar = Calendar
nav-province-calendar = Province calendar
calendar-periods = Periods
calendar-prev = Previous
calendar-next = Next
calendar-week = Week
calendar-month-view = Month
calendar-month = { $month }/{ $year }
calendar-summary = { $posts } posts · { $gaps } empty days
calendar-gap = Empty
calendar-drag-hint = Drag a scheduled clip to another day to change its time, inside the signed window (the days allowed light up while dragging). Outside the window it needs a new signature.
calendar-feed = Your calendar
calendar-feed-hint = Add this address to your own calendar (Google Calendar, Outlook, your phone) to see the agency's coming posts. It is yours alone; do not share it.
calendar-feed-download = Download the .ics file
weekday-1 = Mon
weekday-2 = Tue
weekday-3 = Wed
weekday-4 = Thu
weekday-5 = Fri
weekday-6 = Sat
weekday-7 = Sun
upload-submit-after = Submit for review as soon as it is uploaded
length-to-15s = ≤ 15 s
length-15-30s = 15–30 s
length-30-60s = 30–60 s
length-60-90s = 60–90 s
length-90s-3min = 90 s–3 min
length-over-3min = > 3 min
upload-back-online = The network is back; continuing the upload…
clip-check-next = Waiting for its check: this clip is next.
clip-check-ahead = Waiting for its check: { $n } clips ahead.

## The audit trail in words: one phrase per recorded action beside the
## clip's own (review.ftl), and the kinds of object an entry is about.
history-agency-create = Agency created
history-agency-review_settings = Review settings changed
history-channel-categories = Channel's categories changed
history-channel-connect = Channel connected
history-channel-disconnect = Channel disconnected
history-channel-needs_reconnect = Channel needs reconnecting
history-channel-reconnect = Channel reconnected
history-channel-visibility = Channel's default visibility changed
history-clip-check_carry = Checklist ticks carried to the new version
history-delegation-create = Signing delegated
history-delegation-revoke = Delegation revoked
history-job-cancel = Job cancelled
history-job-retry = Job retried
history-publication-published = Posted
history-publication-failed = Post failed
history-publication-refused = Post refused before sending
history-publication-removal_manual = Post to be removed by hand
history-publication-removed_by_hand = Post removed by hand
history-publication-retry = Post retried
history-session-login = Signed in
history-session-logout = Signed out
history-token-create = API token created
history-token-revoke = API token revoked
history-upload-create = Upload started
history-upload-terminate = Upload cancelled
history-user-create = Account created
history-user-disable = Account disabled
history-user-enable = Account enabled
history-user-email = E-mail changed
history-user-locale = Language changed
history-user-password_change = Password changed
history-user-password_reset = Password reset
history-user-password_set = Password set
history-user-roles = Roles changed
history-user-push_subscribe = Push notices turned on for a device
history-user-push_unsubscribe = Push notices turned off for a device
audit-object-clip = Clip
audit-object-clip_version = Version
audit-object-comment = Comment
audit-object-agency = Agency
audit-object-api_token = API token
audit-object-version = Version
audit-object-user = Account
audit-object-channel = Channel
audit-object-publication = Post
audit-object-org = Organisation
audit-object-delegation = Delegation
audit-object-job = Job
audit-object-token = API token
audit-object-upload = Upload
audit-object-session = Session
audit-raw = Record
