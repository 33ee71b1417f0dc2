# Oracle: every .ics under PUBLIC_DIR parsed by Ruby's icalendar gem (Debian
# ruby-icalendar), which resolves TZID through the file's own VTIMEZONE (its
# RRULEs expanded by ice_cube). Prints each event normalized, as
# ics_agree.py compares them; any exception fails.
#
# usage: ruby ics_ruby.rb PUBLIC_DIR
require "stringio"
require "icalendar"

def field(value)
  value.to_s.gsub("\\") { "\\\\" }.gsub("\n", "\\n").gsub("\t", "\\t")
end

def utc(value)
  value.to_time.utc.strftime("%Y%m%dT%H%M%SZ")
end

root = ARGV.fetch(0)
failures = 0
files = Dir.glob(File.join(root, "**", "*.ics")).sort
files.each do |path|
  rel = path.delete_prefix(root.chomp("/") + "/")
  begin
    Icalendar::Calendar.parse(File.read(path, encoding: "UTF-8")).each do |cal|
      cal.events.each do |ev|
        tzid = ev.dtstart.ical_params["tzid"]
        unless tzid && cal.timezones.any? { |z| z.tzid.to_s == tzid.first }
          warn "FAIL: #{rel}: #{ev.uid}: no VTIMEZONE for #{tzid.inspect}"
          failures += 1
        end
        puts [rel, ev.uid, utc(ev.dtstart), utc(ev.dtend), ev.status, ev.transp, ev.sequence, ev.summary,
              ev.location, ev.description, ev.url].map { |v| field(v) }.join("\t")
      end
    end
  rescue StandardError => e
    warn "FAIL: #{rel}: #{e.class}: #{e.message}"
    failures += 1
  end
end
warn "ruby icalendar #{Icalendar::VERSION}: #{files.size} feeds, #{failures} failures"
exit(failures.zero? && !files.empty? ? 0 : 1)
