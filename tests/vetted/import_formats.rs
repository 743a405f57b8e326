//! CSV and OpenAI Batch API input.

use std::sync::atomic::AtomicBool;

use vetted::domain::ItemBody;
use vetted::import::ImportSource;

use crate::support::{table_counts, temp_db};

fn answer(store: &vetted::Store, id: &str) -> vetted::domain::AnswerBody {
    match store.item(id).unwrap().body {
        ItemBody::Answer(a) => a,
        other => panic!("expected an answer, got {other:?}"),
    }
}

#[test]
fn csv_answers_with_a_json_evidence_column() {
    let db = temp_db();
    let file = db.write_file(
        "answers.csv",
        "id,domain,model,question,answer,evidence,metadata\r\n\
         c-1,finance,gpt-4o-mini,What was Q3 revenue?,\"$12M, per the report\",\
         \"[{\"\"id\"\":\"\"doc-1\"\",\"\"text\"\":\"\"Revenue was $12M.\"\"}]\",\"{\"\"batch\"\":3}\"\r\n\
         c-2,finance,gpt-4o-mini,\"A question\nover two lines\",No idea,,\r\n",
    );
    let mut store = db.open();
    let report = store.import_path(&file).unwrap();
    assert_eq!((report.new, report.already_present), (2, 0));
    let a = answer(&store, "c-1");
    assert_eq!(a.answer, "$12M, per the report");
    assert_eq!(a.evidence[0].text, "Revenue was $12M.");
    assert_eq!(store.item("c-1").unwrap().metadata["batch"], 3);
    assert_eq!(answer(&store, "c-2").question, "A question\nover two lines");
    assert!(
        answer(&store, "c-2").evidence.is_empty(),
        "an empty evidence cell means none"
    );
    assert_eq!(store.import_path(&file).unwrap().already_present, 2);
}

#[test]
fn csv_problems_name_line_and_column() {
    let db = temp_db();
    let mut store = db.open();
    let before = table_counts(&db.path);
    let cases = [
        (
            "extra.csv",
            "id,domain,model,question,answer,score\n",
            "extra.csv:1: column 'score' is not known; columns are id, domain, model, question, answer (required) and evidence, metadata (optional)",
        ),
        (
            "missing.csv",
            "id,domain,model,question\nc-1,d,m,q\n",
            "missing.csv:1: the required column 'answer' is missing",
        ),
        (
            "evidence.csv",
            "id,domain,model,question,answer,evidence\nc-1,d,m,q,a,[1\n",
            "evidence.csv:2: evidence: the column must hold JSON: EOF while parsing a list at line 1 column 2",
        ),
        (
            "passage.csv",
            "id,domain,model,question,answer,evidence\nc-1,d,m,q,a,\"[{\"\"id\"\":\"\"p\"\",\"\"text\"\":\"\" \"\"}]\"\n",
            "passage.csv:2: evidence[0].text: must not be empty",
        ),
        (
            "short.csv",
            "id,domain,model,question,answer\nc-1,d,m,q\n",
            "short.csv:2: the record has 4 fields, the header has 5",
        ),
        (
            "header.csv",
            "id,domain,model,question,answer\n",
            "header.csv: the file has a header but no items",
        ),
    ];
    for (name, contents, expected) in cases {
        let file = db.write_file(name, contents);
        let message = store.import_path(&file).err().unwrap().to_string();
        let expected = format!("{}/{expected}", db.dir.path().display());
        assert!(
            message.lines().any(|l| l == expected),
            "expected `{expected}` in:\n{message}"
        );
    }
    assert_eq!(table_counts(&db.path), before, "nothing was written");
}

const INPUT: &str = r#"{"custom_id":"q-1","method":"POST","url":"/v1/chat/completions","body":{"model":"gpt-4o-mini","messages":[{"role":"system","content":"Answer from the evidence only.\n<evidence id=\"doc-1\" title=\"Q3 report\" source=\"s3://r/q3.pdf\">Revenue in Q3 was $12M.</evidence>"},{"role":"user","content":"What was Q3 revenue?"}]}}
{"custom_id":"q-2","method":"POST","url":"/v1/chat/completions","body":{"model":"gpt-4o-mini","messages":[{"role":"user","content":[{"type":"text","text":"<evidence>Churn was 3%.</evidence>\nWhat was churn?"}]}]}}
{"custom_id":"q-3","method":"POST","url":"/v1/chat/completions","body":{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Missing?"}]}}
{"custom_id":"q-4","method":"POST","url":"/v1/chat/completions","body":{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Failed?"}]}}
"#;

const OUTPUT: &str = r#"{"id":"batch_req_2","custom_id":"q-2","response":{"status_code":200,"request_id":"r2","body":{"model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"message":{"role":"assistant","content":"3%"}}]}},"error":null}
{"id":"batch_req_4","custom_id":"q-4","response":{"status_code":500,"request_id":"r4","body":{}},"error":null}
{"id":"batch_req_1","custom_id":"q-1","response":{"status_code":200,"request_id":"r1","body":{"model":"gpt-4o-mini-2024-07-18","choices":[{"index":0,"message":{"role":"assistant","content":"$12M [doc-1]"}}]}},"error":null}
"#;

fn batch(db: &crate::support::TempDb, output: &str) -> ImportSource {
    ImportSource::OpenAiBatch {
        input: db.write_file("batch_input.jsonl", INPUT),
        output: db.write_file("batch_output.jsonl", output),
        domain: "finance".into(),
    }
}

#[test]
fn openai_batch_pairs_by_custom_id_and_reports_skips() {
    let db = temp_db();
    let mut store = db.open();
    let report = store
        .import(&batch(&db, OUTPUT), &mut |_| {}, &AtomicBool::new(false))
        .unwrap();
    assert_eq!((report.new, report.skipped), (2, 2), "{report:?}");
    let input = db
        .dir
        .path()
        .join("batch_input.jsonl")
        .display()
        .to_string();
    assert_eq!(
        report.notes,
        [
            format!("{input}:3: custom_id 'q-3': no response in the output file; skipped"),
            format!("{input}:4: custom_id 'q-4': failed with status 500; skipped"),
        ]
    );
    let item = store.item("q-1").unwrap();
    assert_eq!(
        item.model, "gpt-4o-mini-2024-07-18",
        "model from the response"
    );
    assert_eq!(item.domain, "finance");
    let a = answer(&store, "q-1");
    assert_eq!(
        (a.question.as_str(), a.answer.as_str()),
        ("What was Q3 revenue?", "$12M [doc-1]")
    );
    assert_eq!(a.evidence.len(), 1);
    assert_eq!(
        (
            a.evidence[0].id.as_str(),
            a.evidence[0].title.as_str(),
            a.evidence[0].source.as_str()
        ),
        ("doc-1", "Q3 report", "s3://r/q3.pdf")
    );
    let b = answer(&store, "q-2");
    assert_eq!(
        b.question, "What was churn?",
        "evidence blocks are cut from the question"
    );
    assert_eq!(
        (b.evidence[0].id.as_str(), b.evidence[0].text.as_str()),
        ("1", "Churn was 3%.")
    );
}

#[test]
fn a_response_without_a_request_rejects_the_batch() {
    let db = temp_db();
    let mut store = db.open();
    let before = table_counts(&db.path);
    let stray = format!(
        "{OUTPUT}{}\n",
        r#"{"custom_id":"q-9","response":{"status_code":200,"body":{}},"error":null}"#
    );
    let err = store
        .import(&batch(&db, &stray), &mut |_| {}, &AtomicBool::new(false))
        .expect_err("mismatched files are an error");
    let output = db
        .dir
        .path()
        .join("batch_output.jsonl")
        .display()
        .to_string();
    assert!(
        err.to_string().contains(&format!(
            "{output}:4: custom_id: no request with this id in the input file"
        )),
        "{err}"
    );
    assert_eq!(table_counts(&db.path), before);
}

#[test]
fn cli_imports_an_openai_batch() {
    let db = temp_db();
    let input = db.write_file("in.jsonl", INPUT);
    let output = db.write_file("out.jsonl", OUTPUT);
    let out = assert_cmd::Command::cargo_bin("vetted")
        .unwrap()
        .arg("--db")
        .arg(&db.path)
        .arg("import")
        .arg("--openai-batch")
        .arg(&input)
        .arg(&output)
        .args(["--domain", "finance"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("2 new, 0 already present, 2 skipped"),
        "{stdout}"
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("custom_id 'q-3': no response"), "{stderr}");
}
