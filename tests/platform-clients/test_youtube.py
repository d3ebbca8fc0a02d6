"""YouTube through Google's own client, google-api-python-client, against the
sandbox: the client's static discovery document decides every path, header
and body. An OAuth code, then a refresh with google-auth's Credentials; a
resumable upload in 256 KiB chunks driven by next_chunk(), surviving a 503
and a dropped connection mid-upload through the client's own recovery (it
probes the session with `bytes */N` and resumes from the server's Range); a
single-request (multipart) upload; videos.list statistics; and the sandbox's
record of the bytes and every metadata field. Then caption tracks:
captions.insert refused to a token without youtube.force-ssl (403
insufficientPermissions), a WebVTT track by multipart upload and a SubRip one
by resumable upload with a force-ssl token, 409 captionExists for a second
track of the same language and name, captions.list, the sandbox's record of
each track, and captions.delete."""

import os
import sys
import tempfile
import urllib.parse

import google_auth_httplib2
import httplib2
import requests
from google.auth.transport.requests import Request
from google.oauth2.credentials import Credentials
from googleapiclient.discovery import build
from googleapiclient.errors import HttpError
from googleapiclient.http import MediaFileUpload

from sandbox import CLIP, MOCK_URL, check, clip_sha256, record

SCOPES = [
    "https://www.googleapis.com/auth/youtube.upload",
    "https://www.googleapis.com/auth/youtube.readonly",
]
# Caption tracks need youtube.force-ssl (or youtubepartner): the discovery
# document's scopes for captions.insert, list and delete.
CAPTION_SCOPES = SCOPES + ["https://www.googleapis.com/auth/youtube.force-ssl"]
CLIENT_ID = "sandbox-youtube.apps.googleusercontent.com"
CLIENT_SECRET = "sandbox-secret"
REDIRECT = "http://127.0.0.1:9/oauth/callback"


def refresh_token(scopes: list) -> str:
    """The code flow against the sandbox's consent page and token endpoint."""
    consent = requests.get(
        f"{MOCK_URL}/o/oauth2/auth",
        params={
            "client_id": CLIENT_ID,
            "redirect_uri": REDIRECT,
            "response_type": "code",
            "scope": " ".join(scopes),
            "access_type": "offline",
            "state": "st",
            "auto": "1",
        },
        allow_redirects=False,
        timeout=10,
    )
    code = urllib.parse.parse_qs(urllib.parse.urlparse(consent.headers["location"]).query)["code"][0]
    t = requests.post(
        f"{MOCK_URL}/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "redirect_uri": REDIRECT,
        },
        timeout=10,
    )
    t.raise_for_status()
    return t.json()["refresh_token"]


def credentials(scopes: list = SCOPES) -> Credentials:
    """google-auth's Credentials, refreshed at the sandbox's token endpoint."""
    creds = Credentials(
        token=None,
        refresh_token=refresh_token(scopes),
        token_uri=f"{MOCK_URL}/token",
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        scopes=scopes,
    )
    creds.refresh(Request())
    check(creds.token.startswith("ya29.") and creds.valid, "google-auth refreshed the token")
    check(set(creds.granted_scopes or []) >= set(scopes), "the refresh answered the granted scopes")
    return creds


def client(creds: Credentials):
    """Google's client built from its static discovery document, at the sandbox."""
    return build(
        "youtube",
        "v3",
        static_discovery=True,
        client_options={"api_endpoint": MOCK_URL},
        http=google_auth_httplib2.AuthorizedHttp(creds, http=PlainHttp()),
    )


class PlainHttp(httplib2.Http):
    """The client keeps the discovery document's https scheme on upload URLs
    when client_options.api_endpoint moves the host (discovery.py,
    _fix_up_media_path_base_url replaces only the netloc); the sandbox is plain
    HTTP, so its own address is asked over http. Otherwise it is the client's
    own transport, built as googleapiclient.http.build_http builds it (308 is
    Resume Incomplete, not a redirect)."""

    def __init__(self):
        super().__init__(timeout=60)
        self.redirect_codes = self.redirect_codes - {308}

    def request(self, uri, *args, **kwargs):
        mock = urllib.parse.urlparse(MOCK_URL)
        u = urllib.parse.urlparse(uri)
        if u.netloc == mock.netloc and u.scheme != mock.scheme:
            uri = u._replace(scheme=mock.scheme).geturl()
        return super().request(uri, *args, **kwargs)


def arm(fault: str) -> None:
    r = requests.post(f"{MOCK_URL}/__admin/faults", json={"fault": fault, "count": 1}, timeout=10)
    r.raise_for_status()


def body(title: str) -> dict:
    return {
        "snippet": {
            "title": title,
            "description": "Sáng nay, lễ ra quân.\n\n#tinhnha",
            "tags": ["tinhnha", "lễ hội"],
            "categoryId": "25",
            "defaultLanguage": "vi",
        },
        "status": {
            "privacyStatus": "unlisted",
            "selfDeclaredMadeForKids": False,
            "embeddable": True,
            "license": "youtube",
        },
    }


def resumable(youtube) -> str:
    sent = body("Lễ ra quân — resumable")
    media = MediaFileUpload(CLIP, mimetype="video/mp4", chunksize=256 * 1024, resumable=True)
    check(media.size() > 256 * 1024, f"the clip spans several chunks ({media.size()} bytes)")
    req = youtube.videos().insert(part="snippet,status", body=sent, media_body=media)
    response, chunks, recovered = None, 0, []
    while response is None:
        if chunks + len(recovered) > 20:
            sys.exit(f"FAILED: the upload did not finish (recovered from {recovered})")
        if chunks == 1 and not recovered:
            # Mid-upload: the next chunk gets a 503, and the one sent after
            # the client's probe loses its connection half-way.
            arm("server_error")
            arm("drop_mid_upload")
        try:
            status, response = req.next_chunk()
            chunks += 1
        except HttpError as e:
            # The client marks itself in error and probes the session next.
            recovered.append(e.resp.status)
        except (ConnectionError, httplib2.HttpLib2Error, OSError) as e:
            recovered.append(type(e).__name__)
    print(f"  chunks: {chunks}, recovered from: {recovered}")
    check(503 in recovered, "a 503 mid-upload was recovered by next_chunk's own probe")
    vid = response["id"]
    check(response["status"]["privacyStatus"] == "unlisted", "the answer carries the privacy asked")
    check(response["snippet"]["categoryId"] == "25", "the answer echoes the category")
    check_record(vid, sent)
    return vid


def single_request(youtube) -> None:
    sent = body("Lễ ra quân — multipart")
    media = MediaFileUpload(CLIP, mimetype="video/mp4", resumable=False)
    response = youtube.videos().insert(part="snippet,status", body=sent, media_body=media).execute()
    check_record(response["id"], sent)


def check_record(vid: str, sent: dict) -> None:
    r = record("youtube", vid)
    check(r["sha256"] == clip_sha256(), f"{vid}: the bytes arrived whole (sha256)")
    fields = r["fields"]
    check(fields["snippet"] == sent["snippet"], f"{vid}: every snippet field arrived")
    check(fields["status"] == sent["status"], f"{vid}: every status field arrived")
    check(fields["content_type"] == "video/mp4", f"{vid}: the MIME type arrived")


VTT = "WEBVTT\n\n00:00.000 --> 00:01.500\nSáng nay, lễ ra quân.\n\n00:01.500 --> 00:03.000\nHàng nghìn người tham gia.\n"
SRT = "1\n00:00:00,000 --> 00:00:01,500\nThis morning, the launch.\n"


def caption_file(directory: str, name: str, text: str) -> str:
    path = os.path.join(directory, name)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def captions(youtube, vid: str) -> None:
    """Caption tracks on the uploaded video, through Google's client."""
    snippet = {"videoId": vid, "language": "vi", "name": "Tiếng Việt", "isDraft": False}
    with tempfile.TemporaryDirectory() as d:
        vtt = caption_file(d, "vi.vtt", VTT)
        srt = caption_file(d, "en.srt", SRT)
        # The token the video went up with has youtube.upload and
        # youtube.readonly: not enough for captions.
        try:
            youtube.captions().insert(
                part="snippet", body={"snippet": snippet},
                media_body=MediaFileUpload(vtt, mimetype="text/vtt", resumable=False),
            ).execute()
            sys.exit("FAILED: captions.insert succeeded without youtube.force-ssl")
        except HttpError as e:
            check(e.resp.status == 403 and e.error_details[0]["reason"] == "insufficientPermissions",
                  "captions.insert refuses a token without youtube.force-ssl")
        yt = client(credentials(CAPTION_SCOPES))
        # One request: the caption resource, then the file (multipart).
        vi = yt.captions().insert(
            part="snippet", body={"snippet": snippet},
            media_body=MediaFileUpload(vtt, mimetype="text/vtt", resumable=False),
        ).execute()
        check(vi["kind"] == "youtube#caption" and vi["snippet"]["videoId"] == vid,
              "captions.insert answers the caption resource")
        check(vi["snippet"]["language"] == "vi" and vi["snippet"]["name"] == "Tiếng Việt",
              "the answer echoes the language and name")
        # The discovery document offers resumable uploads too.
        req = yt.captions().insert(
            part="snippet",
            body={"snippet": {"videoId": vid, "language": "en", "name": "English"}},
            media_body=MediaFileUpload(srt, mimetype="application/x-subrip", resumable=True),
        )
        en = None
        while en is None:
            _, en = req.next_chunk()
        check(en["snippet"]["language"] == "en", "a resumable caption upload finishes with the track")
        try:
            yt.captions().insert(
                part="snippet", body={"snippet": snippet},
                media_body=MediaFileUpload(vtt, mimetype="text/vtt", resumable=False),
            ).execute()
            sys.exit("FAILED: a second track of the same language and name was taken")
        except HttpError as e:
            check(e.resp.status == 409 and e.error_details[0]["reason"] == "captionExists",
                  "a second track of the same language and name gets 409 captionExists")
    listed = yt.captions().list(part="snippet", videoId=vid).execute()
    names = sorted((i["snippet"]["language"], i["snippet"]["name"]) for i in listed["items"])
    check(names == [("en", "English"), ("vi", "Tiếng Việt")], "captions.list shows both tracks")
    for track, text, ct, upload in ((vi, VTT, "text/vtt", "multipart"),
                                    (en, SRT, "application/x-subrip", "resumable")):
        r = record("youtube", track["id"])
        f = r["fields"]
        check(f["kind"] == "youtube#caption" and f["videoId"] == vid
              and f["language"] == track["snippet"]["language"]
              and f["name"] == track["snippet"]["name"],
              f"{track['id']}: the sandbox recorded the track's video, language and name")
        check(r["text"] == text and f["content_type"] == ct and f["upload_type"] == upload,
              f"{track['id']}: the file arrived whole ({upload}, {ct})")
    yt.captions().delete(id=vi["id"]).execute()
    left = yt.captions().list(part="id", videoId=vid).execute()["items"]
    check([i["id"] for i in left] == [en["id"]], "captions.delete removed the track")
    check(record("youtube", vi["id"])["deleted"], "the sandbox recorded the deletion")


def main() -> None:
    youtube = client(credentials())
    vid = resumable(youtube)
    single_request(youtube)
    items = youtube.videos().list(part="statistics", id=vid).execute()["items"]
    check(len(items) == 1 and items[0]["id"] == vid, "videos.list finds the video")
    stats = items[0]["statistics"]
    check(all(isinstance(stats[k], str) for k in ("viewCount", "likeCount", "commentCount")),
          "statistics are string-typed, as the discovery document says (format uint64)")
    check("snippet" not in items[0], "videos.list answers only the part asked for")
    captions(youtube, vid)
    try:
        youtube.videos().delete(id=vid).execute()
        sys.exit("FAILED: videos.delete succeeded with youtube.upload and youtube.readonly only")
    except HttpError as e:
        check(e.resp.status == 403 and e.error_details[0]["reason"] == "insufficientPermissions",
              "videos.delete refuses a token without the youtube scope")


if __name__ == "__main__":
    main()
