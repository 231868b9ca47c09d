// Typed ids: a teacher slot, a school and a partner are distinct types, and a
// table of columns (engine/state.hpp) is indexed only by its own kind of id,
// so that `skill[school]` or `hire(school_id)` is a compile error rather than
// a wrong read at run time. Each id is a 32-bit index into dense columns;
// `index()` is the way out to arithmetic (flattened per-school x K columns,
// random stream keys).
#pragma once

#include <compare>
#include <concepts>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <limits>
#include <vector>

namespace ds {

template <class Tag>
class Id {
 public:
  constexpr Id() = default;
  // From any integer (sizes and loop bounds are std::size_t; the tables are capped far below
  // 2^32 slots), but only explicitly.
  template <std::integral I>
  constexpr explicit Id(I v) : v_(static_cast<std::uint32_t>(v)) {}
  // "No such id": a free extra tie, no partner chosen. (A draw for the district as a whole
  // is keyed by the plain number kNoAgent, engine/rng.hpp, the same value.)
  static constexpr Id none() { return Id(std::numeric_limits<std::uint32_t>::max()); }

  constexpr std::uint32_t value() const { return v_; }
  constexpr std::size_t index() const { return v_; }
  constexpr bool is_none() const { return v_ == std::numeric_limits<std::uint32_t>::max(); }

  constexpr Id& operator++() { ++v_; return *this; }
  constexpr Id operator+(std::uint32_t n) const { return Id(v_ + n); }
  constexpr auto operator<=>(const Id&) const = default;

 private:
  std::uint32_t v_ = 0;
};

struct TeacherTag;
struct SchoolTag;
struct PartnerTag;
using TeacherId = Id<TeacherTag>;  // a teacher slot (a position; its holder changes at turnover)
using SchoolId = Id<SchoolTag>;
using PartnerId = Id<PartnerTag>;

// The ids [first, last) in order, for range-for loops over a table or a school's slots.
template <class IdT>
class IdRange {
 public:
  class iterator {
   public:
    using value_type = IdT;
    using difference_type = std::ptrdiff_t;
    constexpr iterator() = default;
    constexpr explicit iterator(IdT i) : i_(i) {}
    constexpr IdT operator*() const { return i_; }
    constexpr iterator& operator++() { ++i_; return *this; }
    constexpr iterator operator++(int) { iterator old = *this; ++i_; return old; }
    constexpr bool operator==(const iterator&) const = default;

   private:
    IdT i_{};
  };
  constexpr IdRange(IdT first, IdT last) : first_(first), last_(last) {}
  constexpr iterator begin() const { return iterator(first_); }
  constexpr iterator end() const { return iterator(last_); }
  constexpr std::size_t size() const { return last_.index() - first_.index(); }

 private:
  IdT first_, last_;
};

template <class IdT>
constexpr IdRange<IdT> ids(std::size_t n) { return {IdT(0), IdT(n)}; }

// A column of a table: a std::vector indexed by one kind of id only.
template <class IdT, class T>
class Column {
 public:
  using value_type = T;
  Column() = default;
  Column(std::size_t n, const T& v) : v_(n, v) {}
  Column(std::initializer_list<T> values) : v_(values) {}

  T& operator[](IdT i) { return v_[i.index()]; }
  const T& operator[](IdT i) const { return v_[i.index()]; }

  std::size_t size() const { return v_.size(); }
  bool empty() const { return v_.empty(); }
  void resize(std::size_t n) { v_.resize(n); }
  void assign(std::size_t n, const T& v) { v_.assign(n, v); }
  void push_back(const T& v) { v_.push_back(v); }
  void swap(Column& other) noexcept { v_.swap(other.v_); }
  // Raw storage, for loops over a contiguous range of ids (the monthly loop).
  T* data() { return v_.data(); }
  const T* data() const { return v_.data(); }
  auto begin() { return v_.begin(); }
  auto end() { return v_.end(); }
  auto begin() const { return v_.begin(); }
  auto end() const { return v_.end(); }
  IdRange<IdT> ids() const { return ds::ids<IdT>(v_.size()); }

 private:
  std::vector<T> v_;
};

}  // namespace ds
