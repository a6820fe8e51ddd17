//! Uploads (multipart) and streamed downloads.

use std::time::Duration;

use bytes::Bytes;
use futures_util::StreamExt;
use kerio_api::{DOWNLOAD, Error, UPLOAD, UploadBody};
use serde_json::json;

use crate::api::{ExportLog, admin_login};
use crate::support::{self, Appliance, Reply, SESSION_COOKIE, guarded, pattern_byte};

const DOWNLOAD_PATH: &str = "/admin/api/jsonrpc/download/log.txt";

#[tokio::test]
async fn upload_and_download_round_trip() {
    guarded(async {
        let app = Appliance::start().await;
        let session = app.client().login(&admin_login()).await.unwrap();
        let content: Vec<u8> = (0..300_000u32).map(|i| (i % 256) as u8).collect();
        let id = session.upload("backup.tgz", content.clone()).await.unwrap();

        let uploads = app.uploads();
        assert_eq!(uploads.len(), 1);
        let upload = &uploads[0];
        assert_eq!(upload.id, id);
        assert_eq!(upload.field, "newFile.bin");
        assert_eq!(upload.file_name.as_deref(), Some("backup.tgz"));
        assert_eq!(upload.bytes, content);
        let request = &app.requests_for(support::UPLOAD)[0];
        assert_eq!(request.path, "/admin/api/jsonrpc/upload/");
        let secrets = app.issued_secrets();
        assert_eq!(request.header("x-token"), Some(secrets[0].as_str()));
        assert_eq!(request.cookie(SESSION_COOKIE), Some(secrets[1].as_str()));

        let path = format!("/admin/api/jsonrpc/download/{id}");
        let download = session.download(&path).await.unwrap();
        assert_eq!(download.content_length(), Some(content.len() as u64));
        let mut received = Vec::new();
        let mut chunks = download.bytes_stream();
        while let Some(chunk) = chunks.next().await {
            received.extend_from_slice(&chunk.unwrap());
        }
        assert_eq!(received, content);
        let request = &app.requests_for(support::DOWNLOAD)[0];
        assert_eq!(request.header("x-token"), Some(secrets[0].as_str()));
        assert_eq!(request.cookie(SESSION_COOKIE), Some(secrets[1].as_str()));
    })
    .await;
}

#[tokio::test]
async fn uploads_stream_from_streams_and_files() {
    guarded(async {
        let app = Appliance::start().await;
        let session = app.client().login(&admin_login()).await.unwrap();
        let chunks: Vec<Result<Bytes, std::io::Error>> = vec![
            Ok(Bytes::from_static(b"hello ")),
            Ok(Bytes::from_static(b"world")),
        ];
        let body = UploadBody::from_stream(futures_util::stream::iter(chunks));
        assert_eq!(body.len(), None);
        session.upload("a.txt", body).await.unwrap();

        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("license.key");
        std::fs::write(&file, b"file content").unwrap();
        let body = UploadBody::from_file(&file).await.unwrap();
        assert_eq!(body.len(), Some(12));
        session.upload("license.key", body).await.unwrap();

        let err = UploadBody::from_file(dir.path().join("missing"))
            .await
            .unwrap_err();
        assert!(matches!(err, Error::Io { .. }), "{err:?}");

        let uploads = app.uploads();
        assert_eq!(uploads[0].bytes, &b"hello world"[..]);
        assert_eq!(uploads[1].bytes, &b"file content"[..]);
    })
    .await;
}

#[tokio::test]
async fn upload_replies_are_read_tolerantly_and_errors_typed() {
    guarded(async {
        let app = Appliance::start().await;
        let session = app.client().login(&admin_login()).await.unwrap();
        let upload = || session.upload("x.bin", b"data".to_vec());

        // Without the `result` wrapper, as an HTML content type, with a numeric id.
        app.reply(
            support::UPLOAD,
            Reply::raw(200, "text/html", r#"{"fileUpload":{"id":"abc-1","name":"x.bin"}}"#),
        );
        assert_eq!(upload().await.unwrap(), "abc-1");
        app.reply(
            support::UPLOAD,
            Reply::result(json!({"fileUpload": {"id": 42}})),
        );
        assert_eq!(upload().await.unwrap(), "42");

        app.reply(
            support::UPLOAD,
            Reply::error(413, "Request too large.", &[]),
        );
        let err = upload().await.unwrap_err();
        assert_eq!(err.rpc().map(|e| (e.code, e.method)), Some((413, UPLOAD)));

        app.reply(support::UPLOAD, Reply::result(json!({"other": 1})));
        let err = upload().await.unwrap_err();
        assert!(
            matches!(&err, Error::InvalidResponse { reason, .. } if reason.contains("fileUpload.id")),
            "{err:?}"
        );

        app.reply(
            support::UPLOAD,
            Reply::html(500, "<html><title>Internal Server Error</title></html>"),
        );
        let err = upload().await.unwrap_err();
        assert!(
            matches!(err, Error::Http { status: 500, method: UPLOAD, .. }),
            "{err:?}"
        );

        app.reply(support::UPLOAD, Reply::Drop);
        let err = upload().await.unwrap_err();
        assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    })
    .await;
}

#[tokio::test]
async fn a_20_mb_download_is_streamed_chunk_by_chunk() {
    guarded(async {
        const SIZE: u64 = 20 * 1024 * 1024;
        let app = Appliance::start().await;
        app.serve_file(DOWNLOAD_PATH, Reply::stream(SIZE, 64 * 1024));
        let session = app.client().login(&admin_login()).await.unwrap();
        let download = session.download(DOWNLOAD_PATH).await.unwrap();
        assert_eq!(download.content_length(), Some(SIZE));
        assert_eq!(download.content_type(), Some("application/octet-stream"));
        let mut stream = std::pin::pin!(download.bytes_stream());
        let (mut total, mut chunks, mut largest) = (0u64, 0usize, 0usize);
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.unwrap();
            // Check the content without keeping it.
            for (i, byte) in chunk.iter().enumerate() {
                assert_eq!(*byte, pattern_byte(total + i as u64));
            }
            total += chunk.len() as u64;
            chunks += 1;
            largest = largest.max(chunk.len());
        }
        assert_eq!(total, SIZE);
        assert!(chunks >= 20, "the body arrives in pieces ({chunks} chunks)");
        assert!(
            (largest as u64) < SIZE / 4,
            "no chunk holds a large part of the file ({largest} bytes)"
        );
    })
    .await;
}

#[tokio::test]
async fn download_to_writes_a_file_and_leaves_nothing_half_done() {
    guarded(async {
        let app = Appliance::start().await;
        app.serve_file(DOWNLOAD_PATH, Reply::stream(1_000_000, 10_000));
        let broken = "/admin/api/jsonrpc/download/broken";
        app.serve_file(
            broken,
            Reply::CutOff {
                content_type: "application/octet-stream".into(),
                body: Bytes::from(vec![7u8; 100_000]),
                sent: 30_000,
            },
        );
        let session = app.client().login(&admin_login()).await.unwrap();
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join("log.txt");
        let written = session.download_to(DOWNLOAD_PATH, &target).await.unwrap();
        assert_eq!(written, 1_000_000);
        let content = std::fs::read(&target).unwrap();
        assert_eq!(content.len(), 1_000_000);
        assert_eq!(content[999_999], pattern_byte(999_999));

        let target = dir.path().join("broken.bin");
        let err = session.download_to(broken, &target).await.unwrap_err();
        assert!(
            matches!(
                err,
                Error::Transport {
                    method: DOWNLOAD,
                    ..
                }
            ),
            "{err:?}"
        );
        assert!(!target.exists());
        let leftovers: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(leftovers, ["log.txt"]);

        // Into any writer.
        let mut sink = Vec::new();
        let written = session
            .download(DOWNLOAD_PATH)
            .await
            .unwrap()
            .write_to(&mut sink)
            .await
            .unwrap();
        assert_eq!((written, sink.len()), (1_000_000, 1_000_000));
    })
    .await;
}

#[tokio::test]
async fn a_download_descriptor_leads_to_its_file() {
    guarded(async {
        let app = Appliance::start().await;
        let url = format!("{}/admin/api/jsonrpc/download/export?id=7", app.base_url());
        app.reply(
            "Logs.exportLog",
            Reply::result(json!({"fileDownload": {"url": url, "name": "debug.log", "length": 5}})),
        );
        app.serve_file(
            "/admin/api/jsonrpc/download/export?id=7",
            Reply::raw(200, "text/plain", "hello"),
        );
        let session = app.client().login(&admin_login()).await.unwrap();
        let descriptor = session
            .call(&ExportLog {
                log_name: "debug".into(),
            })
            .await
            .unwrap();
        let mut sink = Vec::new();
        let download = session.download(&descriptor.url).await.unwrap();
        download.write_to(&mut sink).await.unwrap();
        assert_eq!(sink, b"hello");
        assert_eq!(descriptor.length as usize, sink.len());
    })
    .await;
}

#[tokio::test]
async fn download_failures_are_typed() {
    guarded(async {
        let app = Appliance::start().await;
        let session = app.client().login(&admin_login()).await.unwrap();

        let err = session
            .download("/admin/api/jsonrpc/download/missing")
            .await
            .unwrap_err();
        assert!(
            matches!(
                &err,
                Error::Http {
                    status: 404,
                    kind: "an HTML page",
                    method: DOWNLOAD,
                    ..
                }
            ),
            "{err:?}"
        );

        let before = app.requests().len();
        for elsewhere in ["https://example.com/file", "https://localhost:1/file"] {
            let err = session.download(elsewhere).await.unwrap_err();
            assert!(matches!(err, Error::Config(_)), "{err:?}");
        }
        assert_eq!(app.requests().len(), before, "nothing was sent elsewhere");

        app.serve_file(
            DOWNLOAD_PATH,
            Reply::error(-32603, "Internal error.", &[]).with_status(500),
        );
        let err = session.download(DOWNLOAD_PATH).await.unwrap_err();
        assert_eq!(
            err.rpc().map(|e| (e.code, e.method)),
            Some((-32603, DOWNLOAD))
        );

        app.serve_file(DOWNLOAD_PATH, Reply::error(1002, "No such file.", &[]));
        let err = session.download(DOWNLOAD_PATH).await.unwrap_err();
        assert_eq!(err.rpc().map(|e| e.code), Some(1002), "{err:?}");

        app.serve_file(DOWNLOAD_PATH, Reply::Drop);
        let err = session.download(DOWNLOAD_PATH).await.unwrap_err();
        assert!(matches!(err, Error::Transport { .. }), "{err:?}");

        app.expire_sessions();
        let err = session.download(DOWNLOAD_PATH).await.unwrap_err();
        assert!(err.is_session_expired(), "{err:?}");
    })
    .await;
}

#[tokio::test]
async fn transfers_recover_from_an_expired_session() {
    guarded(async {
        let app = Appliance::start().await;
        app.serve_file(DOWNLOAD_PATH, Reply::raw(200, "text/plain", "log line"));
        let client = app.client_builder().auto_relogin(true).build().unwrap();
        let session = client.login(&admin_login()).await.unwrap();

        app.expire_sessions();
        let mut sink = Vec::new();
        let download = session.download(DOWNLOAD_PATH).await.unwrap();
        download.write_to(&mut sink).await.unwrap();
        assert_eq!(sink, b"log line");
        assert_eq!(app.logins(), 2);

        app.expire_sessions();
        session.upload("a.bin", b"bytes".to_vec()).await.unwrap();
        assert_eq!(app.logins(), 3);
        assert_eq!(app.uploads().len(), 1);

        // A stream cannot be sent twice: the error is returned, the session renewed.
        app.expire_sessions();
        let stream =
            futures_util::stream::iter(vec![Ok::<_, std::io::Error>(Bytes::from_static(b"x"))]);
        let err = session
            .upload("b.bin", UploadBody::from_stream(stream))
            .await
            .unwrap_err();
        assert!(err.is_session_expired(), "{err:?}");
        assert_eq!(app.logins(), 4);
        session.upload("c.bin", b"again".to_vec()).await.unwrap();
        assert_eq!(app.logins(), 4);
    })
    .await;
}

#[tokio::test]
async fn slow_transfers_time_out() {
    guarded(async {
        let app = Appliance::start().await;
        app.serve_file(
            DOWNLOAD_PATH,
            Reply::raw(200, "text/plain", "late").delayed(Duration::from_secs(10)),
        );
        let client = app
            .client_builder()
            .transfer_timeout(Duration::from_millis(300))
            .build()
            .unwrap();
        let session = client.login(&admin_login()).await.unwrap();
        let err = session.download(DOWNLOAD_PATH).await.unwrap_err();
        assert!(
            matches!(err, Error::Timeout { method: DOWNLOAD }),
            "{err:?}"
        );
    })
    .await;
}
