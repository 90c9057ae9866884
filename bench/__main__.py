"""`make bench`: every benchmark module prints its own figures."""

from bench import programs

if __name__ == "__main__":
    programs.main()
