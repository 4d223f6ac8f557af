// enhancements
