//! Building a [`Library`] from store files: every file read (indexed on disk when it can be,
//! parsed whole when it must), then joined in order, one store at a time, duplicates within a
//! store reported and skipped, and the articles sorted newest first.
//!
//! A reload builds the next library from the previous one: a file whose fingerprint did not
//! change is taken over without being read; a JSON Lines file that only grew has only its new
//! lines indexed; a file that loaded before and now fails keeps its last good articles (and
//! says so). So a reload costs what changed, and a writer caught half-way empties nothing.

use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

use super::breaking::Policy;
use super::breaking::apply::{Unjudged, apply};
use super::library::{
    DiskFile, FileRecord, Freshness, IN_MEMORY, IdIndex, Library, LoadMode, Reading,
};
use super::store::Progress;
use super::store::diagnostic::{Diagnostic, Severity};
use super::store::index::{Fingerprint, IndexedFile, NotIndexed, index_file, index_tail};
use super::store::model::{ArticleDetail, Headline, ParsedArticle, StoreId, StoreInfo};
use super::store::parse::{FileKind, Format, Keep, ParsedFile, parse_file_keeping};
use super::store::place::{BodyAt, Place, Span};
use super::store::source::{Content, FileInput};
use super::store::table::{HeadlineTable, Row};

/// What reading one file produced.
pub(crate) enum Loaded {
    Parsed(ParsedFile),
    Indexed(IndexedFile, PathBuf, Fingerprint),
    Failed(Diagnostic),
    /// Unchanged since the previous library: take its record over.
    Kept(usize),
    /// A JSON Lines file that only grew: the previous record, then these new lines.
    Grown(usize, IndexedFile, Fingerprint),
    /// Failed now, but loaded before: keep the previous record and report the new problems.
    KeptDespite(usize, Vec<Diagnostic>),
}

/// Reads `inputs` into a library. `problems` are the sources' own (a missing folder).
pub(crate) fn load(
    inputs: &[FileInput],
    problems: Vec<Diagnostic>,
    mode: LoadMode,
    cache: Option<&Path>,
    progress: &Progress,
    judge: Judge<'_>,
) -> Library {
    let loaded = read_all(inputs, |input| read_one(input, mode, cache, progress));
    build(inputs, problems, loaded, None, judge)
}

/// Reads `inputs` again after a change, reusing what `previous` already holds.
pub(crate) fn reload(
    previous: &Library,
    inputs: &[FileInput],
    problems: Vec<Diagnostic>,
    cache: Option<&Path>,
    progress: &Progress,
    judge: Judge<'_>,
) -> Library {
    let loaded = read_all(inputs, |input| read_again(previous, input, cache, progress));
    build(inputs, problems, loaded, Some(previous), judge)
}

/// How breaking news is judged in a library being built: by these rules, fresh as of `now`
/// (seconds since 1970).
#[derive(Clone, Copy)]
pub(crate) struct Judge<'a> {
    pub policy: &'a Policy,
    pub now: i64,
}

fn build(
    inputs: &[FileInput],
    problems: Vec<Diagnostic>,
    loaded: Vec<Loaded>,
    previous: Option<&Library>,
    judge: Judge<'_>,
) -> Library {
    let capacity = loaded
        .iter()
        .map(|l| match l {
            Loaded::Indexed(file, ..) | Loaded::Grown(_, file, _) => file.places.len(),
            Loaded::Parsed(file) => file.articles.len(),
            _ => 0,
        })
        .sum::<usize>()
        + previous.map_or(0, Library::len);
    let mut builder = Builder {
        library: Library {
            diagnostics: problems,
            ..Library::default()
        },
        ids: IdIndex::with_capacity(capacity),
        unjudged: Vec::new(),
    };
    for (input, file) in inputs.iter().zip(loaded) {
        match (file, previous) {
            (Loaded::Parsed(parsed), _) => builder.add_parsed(input, parsed),
            (Loaded::Indexed(indexed, path, fingerprint), _) => {
                builder.add_indexed(input, indexed, path, fingerprint);
            }
            (Loaded::Failed(diagnostic), _) => builder.add_failed(input, diagnostic),
            (Loaded::Kept(record), Some(previous)) => {
                builder.add_kept(input, previous, record, None, Vec::new());
            }
            (Loaded::Grown(record, tail, fingerprint), Some(previous)) => {
                builder.add_kept(
                    input,
                    previous,
                    record,
                    Some((tail, fingerprint)),
                    Vec::new(),
                );
            }
            (Loaded::KeptDespite(record, problems), Some(previous)) => {
                builder.add_kept(input, previous, record, None, problems);
            }
            // Without a previous library nothing can be kept; read_again never says so then.
            (Loaded::Kept(_) | Loaded::Grown(..) | Loaded::KeptDespite(..), None) => {}
        }
    }
    let unjudged = std::mem::take(&mut builder.unjudged);
    let mut library = builder.finish();
    apply(&mut library, judge.policy, &unjudged);
    library.set_freshness(Freshness {
        fresh_for: judge.policy.fresh_for,
        judged_at: judge.now,
    });
    library
}

/// Reads files on up to as many threads as the machine has cores, keeping input order.
fn read_all(inputs: &[FileInput], read: impl Fn(&FileInput) -> Loaded + Sync) -> Vec<Loaded> {
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(inputs.len().max(1));
    if threads <= 1 {
        return inputs.iter().map(&read).collect();
    }
    let chunk = inputs.len().div_ceil(threads);
    let read = &read;
    std::thread::scope(|scope| {
        let handles: Vec<_> = inputs
            .chunks(chunk)
            .map(|files| scope.spawn(move || files.iter().map(read).collect::<Vec<_>>()))
            .collect();
        handles
            .into_iter()
            .flat_map(|handle| match handle.join() {
                Ok(loaded) => loaded,
                // Loading does not panic; if it ever did, re-raise rather than lose files silently.
                Err(payload) => std::panic::resume_unwind(payload),
            })
            .collect()
    })
}

fn read_one(
    input: &FileInput,
    mode: LoadMode,
    cache: Option<&Path>,
    progress: &Progress,
) -> Loaded {
    if let (Content::Disk(path), LoadMode::Fast) = (&input.content, mode) {
        let fingerprint = Fingerprint::of(path);
        let cache = cache.filter(|_| {
            fingerprint
                .as_ref()
                .is_ok_and(|f| f.len >= super::store::cache::MIN_FILE_SIZE)
        });
        if let (Some(dir), Ok(fingerprint)) = (cache, &fingerprint)
            && let Some(indexed) = super::store::cache::load(dir, path, *fingerprint)
        {
            progress.add(indexed.places.len());
            return Loaded::Indexed(indexed, path.clone(), *fingerprint);
        }
        match index_file(path, input.kind, progress) {
            Ok((indexed, fingerprint)) => {
                if let Some(dir) = cache {
                    super::store::cache::save(dir, path, fingerprint, &indexed);
                }
                return Loaded::Indexed(indexed, path.clone(), fingerprint);
            }
            Err(NotIndexed::Io(error)) => return Loaded::Failed(input.read_error(&error)),
            Err(NotIndexed::Fallback) => {}
        }
    }
    let keep = match mode {
        LoadMode::Check => Keep::Problems,
        LoadMode::Fast | LoadMode::Thorough => Keep::Everything,
    };
    match input.read_all() {
        Ok(bytes) => {
            let parsed = parse_file_keeping(&input.display, &bytes, input.kind, keep);
            progress.add(parsed.articles.len());
            Loaded::Parsed(parsed)
        }
        Err(diagnostic) => Loaded::Failed(diagnostic),
    }
}

/// One file again: kept when it did not change, its new lines read when it only grew, read
/// whole otherwise; and when that fails for a file that loaded before, its last good articles
/// are kept.
fn read_again(
    previous: &Library,
    input: &FileInput,
    cache: Option<&Path>,
    progress: &Progress,
) -> Loaded {
    let Content::Disk(path) = &input.content else {
        // The built-in sample never changes.
        return read_one(input, LoadMode::Fast, cache, progress);
    };
    let record = previous
        .records
        .iter()
        .position(|r| r.path.as_deref() == Some(path.as_path()) && r.display == input.display);
    let Some(number) = record else {
        return read_one(input, LoadMode::Fast, cache, progress);
    };
    let old = &previous.records[number];
    if let (Some(before), Ok(now)) = (old.fingerprint, Fingerprint::of(path))
        && !old.failed
    {
        if before == now {
            progress.add(old.rows.len());
            return Loaded::Kept(number);
        }
        if input.kind == FileKind::JsonLines
            && now.len > before.len
            && let Some(tail) = grown_tail(previous, old, path, before, progress)
        {
            return Loaded::Grown(number, tail.0, tail.1);
        }
    }
    let loaded = read_one(input, LoadMode::Fast, cache, progress);
    let broken = match &loaded {
        Loaded::Failed(diagnostic) => Some(vec![diagnostic.clone()]),
        Loaded::Parsed(parsed) if has_error(&parsed.diagnostics) => {
            Some(parsed.diagnostics.clone())
        }
        _ => None,
    };
    match broken {
        // A file that is gone was removed, not broken: its articles go with it.
        Some(problems) if !old.failed && path.exists() => Loaded::KeptDespite(number, problems),
        _ => loaded,
    }
}

fn has_error(diagnostics: &[Diagnostic]) -> bool {
    diagnostics.iter().any(|d| d.severity == Severity::Error)
}

/// The lines a JSON Lines file gained since `old` was read, if it only gained lines: the old
/// part must end in a newline and its last article must still be where it was.
fn grown_tail(
    previous: &Library,
    old: &FileRecord,
    path: &Path,
    before: Fingerprint,
    progress: &Progress,
) -> Option<(IndexedFile, Fingerprint)> {
    // Only a file read through the index has places on disk to check against.
    let last = old.rows.clone().last()?;
    let place = previous.places.get(last)?;
    if place.file == IN_MEMORY {
        return None;
    }
    let mut file = crate::files::open_regular(path).ok()?;
    let mut end = [0u8; 1];
    file.seek(SeekFrom::Start(before.len.checked_sub(1)?))
        .ok()?;
    file.read_exact(&mut end).ok()?;
    if end[0] != b'\n' {
        return None;
    }
    let span = place.span();
    file.seek(SeekFrom::Start(span.start)).ok()?;
    let mut bytes = vec![0u8; span.len as usize];
    file.read_exact(&mut bytes).ok()?;
    let text = std::str::from_utf8(&bytes).ok()?;
    let id = super::store::parse::headline_only(text, Format::JsonLines)?
        .0
        .id;
    if id != previous.headlines.id(last) {
        return None;
    }
    index_tail(path, before.len, progress).ok()
}

/// A library being built.
struct Builder {
    library: Library,
    ids: IdIndex,
    /// Rows read for the first time (not kept over), for the breaking rules to judge.
    unjudged: Unjudged,
}

/// What one file brings, before duplicates are weeded out.
struct Incoming {
    headlines: HeadlineTable,
    places: Vec<Place>,
    /// For files parsed whole: each article's detail (their places say `IN_MEMORY`).
    details: Vec<ArticleDetail>,
    /// 1-based lines of the articles, when known, for messages about duplicates.
    lines: Vec<u32>,
    /// Positions newest first, when known; sorted here otherwise.
    newest_first: Option<Vec<u32>>,
    /// Whether two articles of this file itself may share an id (an index never has).
    may_repeat: bool,
}

impl Builder {
    fn add_failed(&mut self, input: &FileInput, diagnostic: Diagnostic) {
        let at = self.library.diagnostics.len();
        self.library.diagnostics.push(diagnostic);
        self.record(input, None, None, at, Vec::new(), 0..0, true);
    }

    fn add_parsed(&mut self, input: &FileInput, file: ParsedFile) {
        let at = self.library.diagnostics.len();
        let failed = has_error(&file.diagnostics);
        self.library.diagnostics.extend(file.diagnostics);
        let fingerprint = match &input.content {
            Content::Disk(path) => Fingerprint::of(path).ok(),
            Content::Embedded(_) => None,
        };
        if file.format.is_none() {
            self.record(input, None, fingerprint, at, Vec::new(), 0..0, true);
            return;
        }
        let failed_file = failed;
        let store = self.store_for(input, file.name);
        let mut incoming = Incoming {
            headlines: HeadlineTable::default(),
            places: Vec::with_capacity(file.articles.len()),
            details: Vec::with_capacity(file.articles.len()),
            lines: Vec::with_capacity(file.articles.len()),
            newest_first: None,
            may_repeat: true,
        };
        for ParsedArticle {
            line,
            id,
            title,
            published,
            breaking,
            source,
            detail,
        } in file.articles
        {
            let headline = Headline {
                store,
                id: &id,
                title: &title,
                published,
                breaking,
                source: source.as_deref(),
            };
            if incoming.headlines.push(headline).is_err() {
                self.too_big(input);
                break;
            }
            let mut place = Place::new(Span { start: 0, len: 0 }, BodyAt::Decode);
            place.file = IN_MEMORY;
            incoming.places.push(place);
            incoming.details.push(detail);
            incoming.lines.push(u32::try_from(line).unwrap_or(0));
        }
        let (rows, order) = self.add_rows(input, store, incoming);
        self.unjudged.push((rows.clone(), input.path()));
        self.record(
            input,
            Some(store),
            fingerprint,
            at,
            order,
            rows,
            failed_file,
        );
    }

    fn add_indexed(
        &mut self,
        input: &FileInput,
        file: IndexedFile,
        path: PathBuf,
        fingerprint: Fingerprint,
    ) {
        let at = self.library.diagnostics.len();
        let store = self.store_for(input, file.name);
        let file_number = self.disk_file(DiskFile {
            path,
            display: input.display.clone(),
            format: file.format,
            fingerprint,
        });
        let IndexedFile {
            mut headlines,
            mut places,
            lines,
            newest_first,
            ..
        } = file;
        headlines.set_store(store);
        for place in &mut places {
            place.file = file_number;
        }
        let incoming = Incoming {
            headlines,
            places,
            details: Vec::new(),
            lines,
            newest_first: Some(newest_first),
            may_repeat: false,
        };
        let (rows, order) = self.add_rows(input, store, incoming);
        self.unjudged.push((rows.clone(), input.path()));
        self.record(
            input,
            Some(store),
            Some(fingerprint),
            at,
            order,
            rows,
            false,
        );
    }

    /// Record `number` of `previous` taken over, with `tail` (new lines of a grown file) after
    /// it and `problems` (why the file itself could not be read again) reported.
    fn add_kept(
        &mut self,
        input: &FileInput,
        previous: &Library,
        number: usize,
        tail: Option<(IndexedFile, Fingerprint)>,
        problems: Vec<Diagnostic>,
    ) {
        let old = &previous.records[number];
        let at = self.library.diagnostics.len();
        self.library.diagnostics.extend(
            previous.diagnostics[old.diagnostics.clone()]
                .iter()
                .cloned(),
        );
        let Some(old_store) = old.store else {
            self.record(
                input,
                None,
                old.fingerprint,
                at,
                Vec::new(),
                0..0,
                old.failed,
            );
            return;
        };
        let name = previous.store(old_store).name.clone();
        let store = self.store_named(&name, &input.display);
        let mut headlines = HeadlineTable::default();
        let mut places = Vec::with_capacity(old.rows.len());
        let mut details = Vec::new();
        // The old file's place on disk (all of a record's disk places name one file).
        let mut disk = None;
        for index in old.rows.clone() {
            if headlines.push(previous.headlines.get(index)).is_err() {
                self.too_big(input);
                return;
            }
            let place = previous.places[index];
            if place.file == IN_MEMORY {
                details.push(previous.in_memory[place.start as usize].clone());
            } else {
                disk = Some(place.file);
            }
            places.push(place);
        }
        let mut fingerprint = old.fingerprint;
        let mut newest_first = Some(old.newest_first.clone());
        let file_number = disk.map(|old_file| {
            let mut file = previous.files[old_file as usize].clone();
            if let Some((_, grown)) = &tail {
                file.fingerprint = *grown;
                fingerprint = Some(*grown);
            }
            self.disk_file(file)
        });
        for place in &mut places {
            if place.file != IN_MEMORY
                && let Some(number) = file_number
            {
                place.file = number;
            }
        }
        let mut lines: Vec<u32> = vec![0; places.len()];
        let mut grown = 0;
        if let Some((tail, _)) = tail {
            grown = tail.headlines.len();
            let IndexedFile {
                headlines: new_headlines,
                places: new_places,
                ..
            } = tail;
            for (mut headline, &place) in new_headlines.iter().zip(&new_places) {
                headline.store = store;
                if headlines.push(headline).is_err() {
                    self.too_big(input);
                    break;
                }
                let mut place = place;
                place.file = file_number.unwrap_or(IN_MEMORY);
                places.push(place);
                lines.push(0);
            }
            // The new lines come after the old ones in the file; sorting again merges them in.
            newest_first = None;
        }
        headlines.set_store(store);
        let incoming = Incoming {
            headlines,
            places,
            details,
            lines,
            newest_first,
            may_repeat: false,
        };
        let (rows, order) = self.add_rows(input, store, incoming);
        // The new lines land last (what came before was judged when it was first read).
        let new_rows = rows.end.saturating_sub(grown).max(rows.start)..rows.end;
        self.unjudged.push((new_rows, input.path()));
        // Why the file could not be read again comes after the problems of what is kept.
        let contents = at..self.library.diagnostics.len();
        let despite = !problems.is_empty();
        for mut problem in problems {
            problem
                .message
                .push_str(" (showing the last good contents)");
            self.library.diagnostics.push(problem);
        }
        self.record(input, Some(store), fingerprint, at, order, rows, false);
        if let Some(record) = self.library.records.last_mut() {
            record.failure = contents.end..record.diagnostics.end;
            record.diagnostics = contents;
            record.reading = match (despite, grown) {
                (true, _) => Reading::KeptDespite,
                (false, 0) => Reading::Kept,
                (false, new) => Reading::Grown { new },
            };
        }
    }

    fn disk_file(&mut self, file: DiskFile) -> u32 {
        let number = u32::try_from(self.library.files.len()).unwrap_or(IN_MEMORY - 1);
        self.library.files.push(file);
        number
    }

    /// Adds a file's articles but those whose id its store already has (each reported), and
    /// returns where they landed and their order newest first within the file.
    fn add_rows(
        &mut self,
        input: &FileInput,
        store: StoreId,
        incoming: Incoming,
    ) -> (std::ops::Range<usize>, Vec<u32>) {
        let Incoming {
            headlines,
            places,
            details,
            lines,
            newest_first,
            may_repeat,
        } = incoming;
        let start = self.library.headlines.len();
        // Duplicates within the file itself are found with an index of its own.
        let mut own = may_repeat.then(|| IdIndex::with_capacity(headlines.len()));
        let mut keep = Vec::with_capacity(headlines.len());
        for i in 0..headlines.len() {
            let headline = headlines.get(i);
            let earlier = self
                .ids
                .find(&self.library.headlines, store, headline.id)
                .is_some();
            let repeated = match own.as_mut() {
                Some(own) => !own.insert(&headlines, i),
                None => false,
            };
            let new = !earlier && !repeated;
            if !new {
                let mut warning = Diagnostic::warning(
                    &input.display,
                    format!(
                        "duplicate id {:?} in store {:?}: kept the first, skipped {:?}",
                        headline.id,
                        self.library.store(store).name,
                        headline.title
                    ),
                );
                if let Some(&line) = lines.get(i).filter(|&&l| l > 0) {
                    warning = warning.at_line(line as usize);
                }
                self.library.diagnostics.push(warning);
            }
            keep.push(new);
        }
        drop(own);
        let count = headlines.len();
        // Where each kept article lands within the file's rows.
        let mut landing = Vec::with_capacity(count);
        let mut next = 0u32;
        for &kept in &keep {
            landing.push(next);
            next += u32::from(kept);
        }
        let order: Vec<u32> = match newest_first {
            Some(order) => order
                .into_iter()
                .filter(|&p| keep.get(p as usize).copied().unwrap_or(false))
                .map(|p| landing[p as usize])
                .collect(),
            None => {
                let rows = headlines.rows();
                let mut keyed: Vec<(std::cmp::Reverse<Option<i64>>, u32)> = (0..count)
                    .filter(|&i| keep[i])
                    .map(|i| {
                        (
                            std::cmp::Reverse(rows[i].published().map(|d| d.instant)),
                            landing[i],
                        )
                    })
                    .collect();
                // Stable, and it finds the runs already in order.
                keyed.sort();
                keyed.into_iter().map(|(_, p)| p).collect()
            }
        };
        if self
            .library
            .headlines
            .append(headlines, |i| keep[i])
            .is_err()
        {
            self.too_big(input);
            return (start..start, Vec::new());
        }
        let mut detail_of = details.into_iter();
        for (i, mut place) in places.into_iter().enumerate() {
            let detail = (place.file == IN_MEMORY)
                .then(|| detail_of.next())
                .flatten();
            if !keep[i] {
                continue;
            }
            if let Some(detail) = detail {
                place.start = self.library.in_memory.len() as u64;
                self.library.in_memory.push(detail);
            }
            self.library.places.push(place);
        }
        let end = self.library.headlines.len();
        for index in start..end {
            self.ids.insert(&self.library.headlines, index);
        }
        (start..end, order)
    }

    #[allow(clippy::too_many_arguments)]
    fn record(
        &mut self,
        input: &FileInput,
        store: Option<StoreId>,
        fingerprint: Option<Fingerprint>,
        diagnostics_from: usize,
        newest_first: Vec<u32>,
        rows: std::ops::Range<usize>,
        failed: bool,
    ) {
        let reading = if failed {
            Reading::Failed
        } else {
            Reading::Whole
        };
        let diagnostics = diagnostics_from..self.library.diagnostics.len();
        let path = match &input.content {
            Content::Disk(path) => Some(path.clone()),
            Content::Embedded(_) => None,
        };
        self.library.records.push(FileRecord {
            reading,
            display: input.display.clone(),
            path,
            fingerprint,
            store,
            rows,
            failure: diagnostics.end..diagnostics.end,
            diagnostics,
            newest_first,
            failed,
        });
    }

    fn too_big(&mut self, input: &FileInput) {
        self.library.diagnostics.push(Diagnostic::error(
            &input.display,
            "not opened: the library already holds 4 GiB of headlines, as much as Herald can",
        ));
    }

    fn store_for(&mut self, input: &FileInput, name: Option<String>) -> StoreId {
        let name = input
            .store_name
            .clone()
            .or(name)
            .unwrap_or_else(|| crate::text::sanitize_line(&input.fallback_name).into_owned());
        self.store_named(&name, &input.display)
    }

    fn store_named(&mut self, name: &str, origin: &str) -> StoreId {
        let stores = &mut self.library.stores;
        let position = stores
            .iter()
            .position(|s| s.name == name)
            .unwrap_or_else(|| {
                stores.push(StoreInfo {
                    name: name.to_owned(),
                    origins: Vec::new(),
                });
                stores.len() - 1
            });
        stores[position].origins.push(origin.to_owned());
        StoreId(u32::try_from(position).unwrap_or(u32::MAX))
    }

    /// Sorts everything newest first: each file's own order, concatenated, merged by the
    /// stable sort (which finds runs already in order).
    fn finish(mut self) -> Library {
        let library = &mut self.library;
        let rows: &[Row] = library.headlines.rows();
        let mut keyed: Vec<(std::cmp::Reverse<Option<i64>>, usize)> =
            Vec::with_capacity(rows.len());
        for record in &library.records {
            keyed.extend(record.newest_first.iter().map(|&p| {
                let index = record.rows.start + p as usize;
                (
                    std::cmp::Reverse(rows[index].published().map(|d| d.instant)),
                    index,
                )
            }));
        }
        keyed.sort();
        library.order = keyed.into_iter().map(|(_, i)| i).collect();
        let mut rank = vec![0u32; library.order.len()];
        for (position, &index) in library.order.iter().enumerate() {
            rank[index] = u32::try_from(position).unwrap_or(u32::MAX);
        }
        library.rank = rank;
        library.ids = self.ids;
        self.library
    }
}
