-- wrk script for bench/read_path.sh: each thread walks its share of the paths listed in a file
-- (the first argument after --) once, then stops and leaves a marker file in the directory given
-- as the second argument. wrk itself runs for its whole -d; the script interrupts it (SIGINT)
-- once every thread's marker is there, so that its requests/s is over the walk only.
local counter = 0
function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
end

function init(args)
  paths = {}
  local threads = tonumber(os.getenv("WRK_THREADS") or "2")
  local n = 0
  for line in io.lines(args[1]) do
    if n % threads == id then paths[#paths + 1] = line end
    n = n + 1
  end
  next_path = 1
  marker = args[2] .. "/done-" .. id
end

function request()
  local path = paths[math.min(next_path, #paths)]
  next_path = next_path + 1
  return wrk.format("GET", path)
end

function response(status, headers, body)
  if next_path > #paths and marker then
    io.open(marker, "w"):close()
    marker = nil
    wrk.thread:stop()
  end
end
