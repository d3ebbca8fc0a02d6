## Sharing across the network

nav-library = Shared library
nav-body-sharing = Sharing in the province

library-hint = Approved clips the province's other agencies share. Take one as a clip of your own: your editors and your head still review and approve it before it goes out on your channels.
library-search-placeholder = Search titles, captions, hashtags (with or without tone marks)
library-filters = Filters
library-campaign = Campaign
library-any-campaign = Any campaign
library-source = Shared by
library-any-source = Any agency
library-empty = No clip has been shared with your agency yet.
library-taken = Taken
library-mine = Your agency's
library-recommended = Recommended by the coordinating body
library-offer-withdrawn = The source agency withdrew this offer: it can no longer be taken. Copies taken before stay as they are.
library-offer-ended = This offer has ended: it can no longer be taken.
library-terms = Terms of use
library-recommendation = Recommendation
library-taken-before = Your agency has taken this clip.
library-open-copy = Open your agency's copy
library-take = Take it
library-take-hint = Makes a draft of your agency's own with the same video (no file is copied) and the credit line on every caption. Your editors and head must approve it before it goes out.
library-own = Your agency's clip.

share-terms-credit = Credit: “{ $credit }”
share-terms-adapt = captions may be adapted (keeping the credit line)
share-terms-locked = captions as they are
share-terms-cut = may be cut
share-terms-no-cut = may not be cut
share-terms-until = may be taken until the end of { $day }

share-heading = Sharing in the province
share-source-down = { $from } took the original of this clip down.
share-source-down-hint = Your agency's copy can no longer be signed or published. The head (or the person delegated) takes down what was posted.
share-takedown-reason = Taken down following the source agency { $from }
share-take-down-ours = Take our copy down everywhere
share-source-corrected = { $from } published a correction of this clip.
share-take-correction = Take the correction to approve again
share-taken-from = Taken from { $from }.
share-copy-adapt-hint = Captions may be adapted, but each must keep the credit line.
share-copy-locked-hint = Captions stay as the source agency wrote them.
share-placed-by-body = The coordinating body placed this clip in the shared library for:
share-offered = Shared with:
share-withdraw = Withdraw the offer
share-withdraw-confirm = Withdraw the offer? Agencies that took the clip keep their copies.
share-offer = Share with the province's agencies
share-credit = Credit line required
share-may-adapt = Captions may be adapted (keeping the credit line)
share-may-cut = May be cut (they upload a cut of their own)
share-ends-on = May be taken until the end of (empty: until withdrawn)
share-to = Share with
share-to-all = every agency in the province
share-to-chosen = the agencies chosen:
share-offer-hint = Their editors and heads are told at once. If the clip is taken down or corrected, the agencies that took it are told at once.
share-spread = Spread
share-spread-summary = taken by { $n } agencies
share-spread-posted = posted by { $n }
share-spread-reach = reach { $n }
share-open-post = open the post

sharing-hint = Clips the agencies share with each other: who took them, on which channels they went out, how many they reached, and takedowns following the source.
sharing-place = Place a clip in the shared library
sharing-nothing-to-place = No approved clip of the agencies to place yet.
sharing-pick-clip = Clip (approved or published)
sharing-credit-default = empty: credit the agency by name
sharing-by-campaign = By campaign
sharing-clips = Clips shared
sharing-agencies = Agencies that took them
sharing-posts = Posts
sharing-reach = Reach
sharing-offers = Clips shared
sharing-none = No clip has been shared yet.
sharing-clip = Clip
sharing-took = Taken by
sharing-posted = Posted by
sharing-withdrawn = Withdrawn
sharing-not-taken = No agency has taken it yet.

settings-follow-source-takedowns = Take our copies down by themselves when the source agency takes a clip down
settings-follow-source-takedowns-hint = Otherwise the head and editors are told at once and take it down with one button.

share-credit-invalid = The credit line needs 3 to 200 characters, on one line.
share-ends-past = The last day must be after today.
share-ends-invalid = The last day is not a valid date.
share-caption-locked = The source agency does not allow this clip's captions to be changed.
share-credit-missing = Every caption must keep the source agency's credit line.
share-recommendation-invalid = The recommendation is longer than 2,000 characters.
share-not-approved = Only approved, scheduled or published clips can be shared.
share-not-own = A clip taken from another agency cannot be shared on.
share-already-offered = This clip is already being shared.
share-agencies-invalid = Choose at least one other agency of the province.
share-withdrawn = This offer was withdrawn.
share-own-clip = This is your agency's clip.
share-ended = This offer has ended.
share-no-correction = The source agency has no new correction.
share-cut-not-allowed = The source agency does not allow this clip to be cut: no other version can be uploaded.
share-source-taken-down = The source agency took this clip down: your agency's copy can no longer be signed or published.
share-pick-clip = Choose a clip.

done-take = Taken. The clip is a draft of your agency's: submit it when ready.
done-taken_before = Your agency took this clip before: this is that copy.
done-offer = Shared. The agencies it was shared with have been told.
done-withdraw_offer = The offer was withdrawn.
done-take_correction = The correction was taken. The clip needs approving again.
edit-source = Source taken

history-clip-offer = Shared with the province's agencies
history-clip-offer_withdraw = Offer withdrawn
history-clip-take = Taken from the shared library
history-clip-taken = Taken by another agency
history-clip-take_correction = Took the source agency's correction

notify-shared-offered = { $from } shared the clip “{ $note }” in the shared library.
notify-source-taken-down = URGENT: { $from } took down the original of “{ $clip }”: { $note }. Take your agency's copy down.
notify-source-followed = URGENT: { $from } took down the original of “{ $clip }”: { $note }. Your agency's copy is being taken down everywhere.
notify-source-corrected = { $from } corrected “{ $clip }”: the correction waits for your agency to take it and approve it again.

incident-event-shared_told = The agencies that took it were told at once
incident-event-shared_followed = Agencies that took theirs down by themselves
incident-event-shared_taken_down = An agency took its copy down

void-reason-source_taken_down = the source agency took the clip down

insights-sharing = Sharing in the province
insights-shared-by-others = Our clips re-published by others
insights-shared-taken = Clips taken from others
insights-shared-clips = Copies taken
insights-shared-agencies = Agencies
insights-sharing-hint = The agency's clips other agencies took and posted on their own channels, and the clips it took from the shared library: copies, agencies, posts in the period and the reach measured.
library-no-preview = This clip has no preview.
history-clip-source_down = The source agency took the original down
history-clip-source_corrected = The source agency published a correction
