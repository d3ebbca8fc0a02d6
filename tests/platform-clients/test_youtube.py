"""YouTube through Google's own client, google-api-python-client, against the
sandbox: the client's static discovery document decides every path, header
and body. An OAuth code, then a refresh with google-auth's Credentials; a
resumable upload in 256 KiB chunks driven by next_chunk(), surviving a 503
and a dropped connection mid-upload through the client's own recovery (it
probes the session with `bytes */N` and resumes from the server's Range); a
single-request (multipart) upload; videos.list statistics; and the sandbox's
record of the bytes and every metadata field."""

import sys
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
CLIENT_ID = "sandbox-youtube.apps.googleusercontent.com"
CLIENT_SECRET = "sandbox-secret"
REDIRECT = "http://127.0.0.1:9/oauth/callback"


def refresh_token() -> str:
    """The code flow against the sandbox's consent page and token endpoint."""
    consent = requests.get(
        f"{MOCK_URL}/o/oauth2/auth",
        params={
            "client_id": CLIENT_ID,
            "redirect_uri": REDIRECT,
            "response_type": "code",
            "scope": " ".join(SCOPES),
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


def credentials() -> Credentials:
    """google-auth's Credentials, refreshed at the sandbox's token endpoint."""
    creds = Credentials(
        token=None,
        refresh_token=refresh_token(),
        token_uri=f"{MOCK_URL}/token",
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        scopes=SCOPES,
    )
    creds.refresh(Request())
    check(creds.token.startswith("ya29.") and creds.valid, "google-auth refreshed the token")
    check(set(creds.granted_scopes or []) >= set(SCOPES), "the refresh answered the granted scopes")
    return creds


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


def main() -> None:
    creds = credentials()
    http = google_auth_httplib2.AuthorizedHttp(creds, http=PlainHttp())
    youtube = build(
        "youtube",
        "v3",
        static_discovery=True,
        client_options={"api_endpoint": MOCK_URL},
        http=http,
    )
    vid = resumable(youtube)
    single_request(youtube)
    items = youtube.videos().list(part="statistics", id=vid).execute()["items"]
    check(len(items) == 1 and items[0]["id"] == vid, "videos.list finds the video")
    stats = items[0]["statistics"]
    check(all(isinstance(stats[k], str) for k in ("viewCount", "likeCount", "commentCount")),
          "statistics are string-typed, as the discovery document says (format uint64)")
    check("snippet" not in items[0], "videos.list answers only the part asked for")
    try:
        youtube.videos().delete(id=vid).execute()
        sys.exit("FAILED: videos.delete succeeded with youtube.upload and youtube.readonly only")
    except HttpError as e:
        check(e.resp.status == 403 and e.error_details[0]["reason"] == "insufficientPermissions",
              "videos.delete refuses a token without the youtube scope")


if __name__ == "__main__":
    main()
