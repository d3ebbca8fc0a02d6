## Incidents reported to the coordinating body

nav-body-incidents = Province incidents
incidents-body-heading = Agencies' incidents · { $body }
incidents-body-hint = Incidents the agencies reported; those overdue for acknowledgement come first.
incident-report-new = Report an incident
incident-report-hint = Report to the coordinating body: what happened, how serious it is, the clips and channels involved and what was done; attach screenshots or documents if you have them.
incident-title = What happened
incident-agency = Agency
incident-number = No.
incident-kind = Type
incident-severity = Severity
incident-due = Acknowledge by
incident-overdue = Overdue
incident-description = What happened and what was done
incident-clips = Clips involved
incident-channels = Channels involved
incident-file = Attachment
incident-file-hint = Images (PNG, JPEG, WebP), PDF, DOCX, XLSX, ODT or text; up to { $mb } MB.
incident-send = Send the report
incident-conclusion = Conclusion
incident-print = Print the incident report
incident-timeline = What was done
incident-body-steps = The coordinating body's steps
incident-body-text = Remarks (needed to ask for more, close or reopen)
incident-body-text-hint = Acknowledging needs no remarks; closing makes them the conclusion.
incident-note-heading = Add to the timeline
incident-answer-heading = Answer the request for more
incident-note-text = Text

incident-kind-takedown = Published in error and taken down
incident-kind-correction = Correction issued
incident-kind-channel_compromised = Channel compromised or impersonated
incident-kind-platform_removal = Platform removal or strike
incident-kind-harmful_content = Harmful or false content about the agency
incident-kind-other = Other

incident-severity-low = Low
incident-severity-medium = Medium
incident-severity-high = High
incident-severity-critical = Critical

incident-state-open = Awaiting acknowledgement
incident-state-acknowledged = Acknowledged
incident-state-more_info = Awaiting the agency
incident-state-closed = Closed

incident-event-opened = Reported
incident-event-note = Added
incident-event-acknowledged = Acknowledged
incident-event-more_asked = More asked
incident-event-answered = Answered
incident-event-closed = Closed
incident-event-reopened = Reopened

incident-do-note = Add
incident-do-answer = Send the answer
incident-do-acknowledge = Acknowledge
incident-do-ask = Ask for more
incident-do-close = Close with a conclusion
incident-do-reopen = Reopen

incident-done-reported = The incident report was sent to the coordinating body.
incident-done-note = Added to the timeline.
incident-done-answer = The answer was sent to the coordinating body.
incident-done-acknowledge = The incident is acknowledged.
incident-done-ask = The agency was asked for more.
incident-done-close = The incident is closed.
incident-done-reopen = The incident is reopened.

incident-kind-invalid = Choose the type of incident.
incident-severity-invalid = Choose a severity.
incident-title-invalid = Say what happened in 5 to 200 characters, on one line.
incident-text-invalid = Write the text (at most 5,000 characters).
incident-subject-unknown = A chosen clip or channel is not the agency's.
incident-no-body = The agency belongs to no coordinating body to report to.
incident-step-not-now = The incident is “{ $state }”: this step does not apply now.
incident-changed = Someone else just acted on the incident; reload the page.
file-empty = The attachment is empty.
file-too-large = The attachment is too large (at most 10 MB).
file-kind = This kind of file is not taken: send an image, PDF, DOCX, XLSX, ODT or text.

incident-report-heading = INCIDENT REPORT
incident-report-number = No.
incident-report-motto = SOCIALIST REPUBLIC OF VIET NAM
incident-report-motto-2 = Independence - Freedom - Happiness
incident-report-date = { $date }
incident-report-to = To:
incident-report-facts = The incident
incident-report-steps = What happened and what was done
incident-report-recipients = Recipients:
incident-report-archive = Filed: records.
incident-report-signer-title = Head of agency
incident-report-sign = (Signature, full name, seal)

notify-incident-opened = { $from } reported an incident: { $note }
notify-incident-note = { $by } added to the incident “{ $from }”: { $note }
notify-incident-answered = { $by } answered about the incident “{ $from }”: { $note }
notify-incident-acknowledged = { $by } acknowledged the incident “{ $from }”.
notify-incident-more-asked = { $by } asks for more about the incident “{ $from }”: { $note }
notify-incident-closed = { $by } closed the incident “{ $from }”: { $note }
notify-incident-reopened = { $by } reopened the incident “{ $from }”: { $note }

history-incident-reported = Incident reported
history-incident-note = Added to an incident
history-incident-answered = Answered a request for more
history-incident-acknowledged = Incident acknowledged
history-incident-more_asked = Asked for more about an incident
history-incident-closed = Incident closed
history-incident-reopened = Incident reopened
