//! The `INFO` reply's format, read in one place: `field:value` lines, grouped under `# Section`
//! headers, each line ending with CRLF.

/// The value of `field` in an `INFO`-style reply (`INFO`, `CLUSTER INFO`), trimmed; `None`
/// when no line names it.
pub fn info_field<'a>(info: &'a str, field: &str) -> Option<&'a str> {
    info.lines().find_map(|line| {
        line.strip_prefix(field)
            .and_then(|rest| rest.strip_prefix(':'))
            .map(str::trim)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_field_is_read_whole_and_only_by_its_exact_name() {
        let info = "# Replication\r\nrole:slave\r\nmaster_link_status:up\r\n\
                    master_repl_offset:10\r\nslave_repl_offset:7\r\n";
        assert_eq!(info_field(info, "role"), Some("slave"));
        assert_eq!(info_field(info, "master_link_status"), Some("up"));
        assert_eq!(info_field(info, "slave_repl_offset"), Some("7"));
        assert_eq!(info_field(info, "repl_offset"), None);
        assert_eq!(info_field(info, "master"), None);
        assert_eq!(info_field("", "role"), None);
    }
}
