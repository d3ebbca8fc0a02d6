## The province scorecard

nav-scorecard = Scorecard
score-title = Agencies' scorecard
score-hint = Each agency's month beside the province median: clips published, time from upload to the first post, posts within their platform's length, clips signed by the head (or K/T), corrections and incidents, campaign coverage, reach, completion and survey answers.
score-month = Month
score-show = Show
score-print = Print the monthly report
score-heading-month = In the month
score-trend = Clips published over the months
score-median = Province median
score-marks-hint = Green: better than the province median; red: worse (for time, corrections and incidents, lower is better).
score-published = Clips published
score-median-hours = Upload → post (hours, median)
score-within-length = Within the platform's length
score-head-signed = Signed by the head (or K/T)
score-corrections = Corrections
score-incidents = Incidents
score-campaigns = Campaign coverage
score-reach = Reach
score-completion = Completion (median)
score-surveys = Survey answers
