"""Drives Lantoa's tus endpoint with tuspy, the Python tus client, in two phases
so a test can interrupt an upload (even restart the server) between them.

  resume.py start ENDPOINT TOKEN FILE AGENCY_ID STOP_AT  -> prints the upload URL
  resume.py finish UPLOAD_URL TOKEN FILE                 -> prints the final offset
"""
import sys

from tusclient import client as tus

CHUNK = 256 * 1024


def main() -> None:
    phase = sys.argv[1]
    if phase == "start":
        endpoint, token, path, agency, stop_at = sys.argv[2:7]
        c = tus.TusClient(endpoint, headers={"Authorization": f"Bearer {token}"})
        up = c.uploader(
            file_path=path,
            chunk_size=CHUNK,
            upload_checksum=True,
            metadata={
                "filename": "phong-su.mp4",
                "filetype": "video/mp4",
                "title": "Phóng sự lễ hội",
                "category": "current_affairs",
                "agency_id": agency,
            },
        )
        up.upload(stop_at=int(stop_at))
        print(up.url)
    elif phase == "finish":
        url, token, path = sys.argv[2:5]
        base = url.split("/api/")[0] + "/api/v1/uploads"
        c = tus.TusClient(base, headers={"Authorization": f"Bearer {token}"})
        up = c.uploader(file_path=path, url=url, chunk_size=CHUNK, upload_checksum=True)
        up.upload()
        print(up.offset)
    else:
        raise SystemExit(f"unknown phase {phase}")


if __name__ == "__main__":
    main()
